using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Accounts.Storage.Hosting;

/// <summary>Migrates before the host starts serving, so that no request meets an old schema.</summary>
internal sealed partial class MigrateOnStartService(
    SchemaMigrator migrator,
    IOptions<StorageOptions> options,
    ILogger<MigrateOnStartService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart)
        {
            LogSkipped(logger);
            return;
        }

        var applied = await migrator.MigrateAsync(cancellationToken);
        foreach (var script in applied)
        {
            LogApplied(logger, script.Version, script.Name);
        }

        LogCurrent(logger, migrator.ExpectedVersion);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Applied schema migration {Version} ({Name})")]
    private static partial void LogApplied(ILogger logger, int version, string name);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "The schema is at version {Version}")]
    private static partial void LogCurrent(ILogger logger, int version);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Migration at start is switched off (Accounts:Storage:MigrateOnStart)")]
    private static partial void LogSkipped(ILogger logger);
}
