using Accounts.Core.Verification;
using Accounts.Delivery.Twilio;

namespace Accounts.Server.Hosting;

/// <summary>
/// Picks the delivery channel for each message: a configured real channel for its kind (SMTP for email, Twilio for
/// WhatsApp and SMS, each when configured), else the local outbox, so that nothing configured is ever silently
/// bypassed and nothing unconfigured is silently dropped.
/// </summary>
internal sealed class ChannelRouter(IMessageSender outbox, IMessageSender? email, TwilioMessageSender? twilio) : IMessageSender
{
    public Task<string?> SendAsync(OutgoingMessage message, CancellationToken cancellationToken) => message.Channel switch
    {
        DeliveryChannel.Email when email is not null => email.SendAsync(message, cancellationToken),
        DeliveryChannel.WhatsApp or DeliveryChannel.Sms when twilio?.Supports(message.Channel) == true => twilio.SendAsync(message, cancellationToken),
        _ => outbox.SendAsync(message, cancellationToken),
    };
}
