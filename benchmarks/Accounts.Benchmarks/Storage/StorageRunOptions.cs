using Accounts.Benchmarks.Common;

namespace Accounts.Benchmarks.Storage;

/// <summary>The arguments of the "storage" mode.</summary>
internal sealed record StorageRunOptions(
    int Seconds,
    int WarmupSeconds,
    int Concurrency,
    IReadOnlyList<string> Engines,
    int QuietSeconds,
    int Retries,
    int SlackSeconds,
    string? OutputPath)
{
    public static readonly IReadOnlyList<string> KnownEngines = ["sqlite", "mariadb", "postgres"];

    // 6 operations x 3 engines x (2 warm-up + 6 measured) s: about three minutes with set-up and migrations. Waiting
    // for quiet moments and measuring disturbed phases again (at most twice each) may add up to 60 s in all.
    public static StorageRunOptions Default => new(
        Seconds: 6,
        WarmupSeconds: 2,
        Concurrency: 2 * Environment.ProcessorCount,
        KnownEngines,
        QuietSeconds: 1,
        Retries: 2,
        SlackSeconds: 60,
        OutputPath: null);

    /// <exception cref="ArgumentException">An argument is unknown or its value is missing or out of range.</exception>
    public static StorageRunOptions Parse(IReadOnlyList<string> args)
    {
        var options = Default;
        Arguments.Walk(args, (name, value) => options = name switch
        {
            "--seconds" => options with { Seconds = Arguments.Int(name, value(), 1, 3600) },
            "--warmup-seconds" => options with { WarmupSeconds = Arguments.Int(name, value(), 0, 600) },
            "--concurrency" => options with { Concurrency = Arguments.Int(name, value(), 1, 256) },
            "--engines" => options with { Engines = ParseEngines(name, value()) },
            "--quiet-seconds" => options with { QuietSeconds = Arguments.Int(name, value(), 0, 60) },
            "--retries" => options with { Retries = Arguments.Int(name, value(), 0, 10) },
            "--slack-seconds" => options with { SlackSeconds = Arguments.Int(name, value(), 0, 3600) },
            "--out" => options with { OutputPath = value() },
            _ => throw new ArgumentException($"Unknown argument {name}."),
        });
        return options;
    }

    private static List<string> ParseEngines(string name, string text)
    {
        var engines = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.ToLowerInvariant() switch
            {
                "postgresql" => "postgres",
                "mysql" => "mariadb",
                var other => other,
            })
            .Distinct(StringComparer.Ordinal).ToList();
        var unknown = engines.Where(e => !KnownEngines.Contains(e, StringComparer.Ordinal)).ToList();
        if (engines.Count == 0 || unknown.Count > 0)
        {
            throw new ArgumentException($"{name} takes a comma-separated list of {string.Join(", ", KnownEngines)}.");
        }

        return engines;
    }
}
