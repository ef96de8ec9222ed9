namespace Accounts.Core.Verification;

/// <summary>A message carrying a code to a person. The text contains the code: adapters must not log it.</summary>
public sealed record OutgoingMessage(DeliveryChannel Channel, string Destination, CodePurpose Purpose, string Text);

/// <summary>Delivers messages: the local outbox by default; SMTP, WhatsApp and SMS when configured.</summary>
public interface IMessageSender
{
    /// <summary>
    /// Sends the message; returns the provider's id for it (Twilio's message SID) when it has one. A provider's refusal
    /// is a <see cref="DeliveryFailedException"/> saying whether a retry may succeed.
    /// </summary>
    Task<string?> SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}
