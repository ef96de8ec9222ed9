using Accounts.Delivery.Outbox;
using Accounts.Delivery.Smtp;

namespace Accounts.Server.Hosting;

/// <summary>Tells the operator, once, where this process keeps its state and where codes go.</summary>
internal sealed partial class StartupLog(ServerOptions options, OutboxMessageSender outbox, SmtpOptions smtp, ILogger<StartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogDataDirectory(logger, options.FullDataDirectory);
        if (smtp.Enabled)
        {
            LogSmtp(logger, smtp.Host!, smtp.Port);
        }

        LogOutbox(logger, outbox.Path, smtp.Enabled ? "WhatsApp and SMS" : "all");

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Data directory: {DataDirectory}")]
    private static partial void LogDataDirectory(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Codes of {Channels} channels are delivered to the local outbox {OutboxPath} (no real channel is configured for them)")]
    private static partial void LogOutbox(ILogger logger, string outboxPath, string channels);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Email is delivered through SMTP relay {Host}:{Port}")]
    private static partial void LogSmtp(ILogger logger, string host, int port);
}
