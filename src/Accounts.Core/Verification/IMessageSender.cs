namespace Accounts.Core.Verification;

/// <summary>A message carrying a code to a person. The text contains the code: adapters must not log it.</summary>
public sealed record OutgoingMessage(DeliveryChannel Channel, string Destination, CodePurpose Purpose, string Text);

/// <summary>Delivers messages: the local outbox by default; SMTP, WhatsApp and SMS when configured.</summary>
public interface IMessageSender
{
    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}
