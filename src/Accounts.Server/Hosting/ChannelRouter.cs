using Accounts.Core.Verification;

namespace Accounts.Server.Hosting;

/// <summary>
/// Picks the delivery channel for each message: a configured real channel for its kind, else the local outbox,
/// so that nothing configured is ever silently bypassed and nothing unconfigured is silently dropped.
/// </summary>
internal sealed class ChannelRouter(IMessageSender outbox, IMessageSender? email) : IMessageSender
{
    public Task<string?> SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        message.Channel == DeliveryChannel.Email && email is not null
            ? email.SendAsync(message, cancellationToken)
            : outbox.SendAsync(message, cancellationToken);
}
