using Accounts.Core.Verification;
using Accounts.Delivery.Outbox;
using Accounts.Delivery.Smtp;
using Accounts.Delivery.Twilio;

namespace Accounts.Server.Hosting;

/// <summary>Tells the operator, once, where this process keeps its state and where codes go.</summary>
internal sealed partial class StartupLog(
    ServerOptions options,
    OutboxMessageSender outbox,
    SmtpOptions smtp,
    TwilioOptions twilio,
    ILogger<StartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogDataDirectory(logger, options.FullDataDirectory);
        if (smtp.Enabled)
        {
            LogSmtp(logger, smtp.Host!, smtp.Port);
        }

        var viaTwilio = new[] { DeliveryChannel.WhatsApp, DeliveryChannel.Sms }.Where(twilio.Supports).ToList();
        if (viaTwilio.Count > 0)
        {
            LogTwilio(logger, string.Join(" and ", viaTwilio.Select(Name)));
        }

        var local = new[] { DeliveryChannel.Email, DeliveryChannel.WhatsApp, DeliveryChannel.Sms }
            .Where(channel => channel == DeliveryChannel.Email ? !smtp.Enabled : !twilio.Supports(channel))
            .ToList();
        if (local.Count > 0)
        {
            LogOutbox(logger, outbox.Path, local.Count == 3 ? "all" : string.Join(" and ", local.Select(Name)));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Name(DeliveryChannel channel) => channel switch
    {
        DeliveryChannel.Email => "email",
        DeliveryChannel.WhatsApp => "WhatsApp",
        _ => "SMS",
    };

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Data directory: {DataDirectory}")]
    private static partial void LogDataDirectory(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Codes of {Channels} channels are delivered to the local outbox {OutboxPath} (no real channel is configured for them)")]
    private static partial void LogOutbox(ILogger logger, string outboxPath, string channels);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Email is delivered through SMTP relay {Host}:{Port}")]
    private static partial void LogSmtp(ILogger logger, string host, int port);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "{Channels} codes are delivered through Twilio")]
    private static partial void LogTwilio(ILogger logger, string channels);
}
