using Accounts.Security;
using Accounts.Storage;

namespace Accounts.Server.Hosting;

/// <summary>
/// Verbs for operators, run with the same configuration as the service but without serving:
/// <c>migrate</c> applies pending schema migrations; <c>check</c> reports whether storage is reachable and current.
/// Exit code 0 on success, 1 when the check fails, 2 for an unknown verb.
/// </summary>
internal static class AccountsCommands
{
    public static async Task<int?> TryRunAsync(WebApplication app, string[] args)
    {
        // A verb is the first argument; everything after it (and any --key value pair) is configuration.
        var verb = args.Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('=', StringComparison.Ordinal) ? args[0] : null;
        if (verb is null)
        {
            return null;
        }

        // Keys first: a data directory that holds a database always holds the keys that read it.
        app.Services.GetRequiredService<KeyRing>();
        var migrator = app.Services.GetRequiredService<SchemaMigrator>();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        switch (verb)
        {
            case "migrate":
                var applied = await migrator.MigrateAsync(cancellation.Token);
                foreach (var script in applied)
                {
                    Console.WriteLine($"applied {script.Version:D4} {script.Name}");
                }

                Console.WriteLine(applied.Count == 0
                    ? $"schema already current (version {migrator.ExpectedVersion})"
                    : $"schema now at version {migrator.ExpectedVersion}");
                return 0;

            case "check":
                var status = await migrator.CheckAsync(cancellation.Token);
                Console.WriteLine($"storage: {status.Provider}");
                Console.WriteLine($"reachable: {(status.Reachable ? "yes" : "no")}");
                Console.WriteLine($"schema version: {status.CurrentVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} (this build expects {status.ExpectedVersion})");
                if (status.PendingVersions.Count > 0)
                {
                    Console.WriteLine($"pending migrations: {string.Join(", ", status.PendingVersions)}");
                }

                if (status.Error is not null)
                {
                    Console.WriteLine($"error: {status.Error}");
                }

                Console.WriteLine(status.IsCurrent ? "ok" : "NOT READY");
                return status.IsCurrent ? 0 : 1;

            default:
                await Console.Error.WriteLineAsync($"unknown verb '{verb}': use 'migrate' or 'check' (or no verb to serve)");
                return 2;
        }
    }
}
