using Accounts.Delivery.Outbox;
using Accounts.Core.Verification;

namespace Accounts.Server.Hosting;

/// <summary>Tells the operator, once, where this process keeps its state and where codes go.</summary>
internal sealed partial class StartupLog(ServerOptions options, IMessageSender sender, ILogger<StartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogDataDirectory(logger, options.FullDataDirectory);
        if (sender is OutboxMessageSender outbox)
        {
            LogOutbox(logger, outbox.Path);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Data directory: {DataDirectory}")]
    private static partial void LogDataDirectory(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Codes are delivered to the local outbox {OutboxPath} (no real channel is configured)")]
    private static partial void LogOutbox(ILogger logger, string outboxPath);
}
