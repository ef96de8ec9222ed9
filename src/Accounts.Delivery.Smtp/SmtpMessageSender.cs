using System.Net;
using System.Net.Mail;
using Accounts.Core.Verification;

namespace Accounts.Delivery.Smtp;

/// <summary>Sends email messages through an SMTP relay, one connection per message (codes are rare and small).</summary>
public sealed class SmtpMessageSender(SmtpOptions options) : IMessageSender
{
    public async Task<string?> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (message.Channel != DeliveryChannel.Email)
        {
            throw new ArgumentException($"SMTP delivers email only, not {message.Channel.ToWire()}.", nameof(message));
        }

        using var client = new SmtpClient(options.Host, options.Port)
        {
            EnableSsl = options.StartTls,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = (int)options.Timeout.TotalMilliseconds,
            Credentials = string.IsNullOrEmpty(options.Username) ? null : new NetworkCredential(options.Username, options.Password),
        };
        using var mail = new MailMessage(new MailAddress(options.From!), new MailAddress(message.Destination))
        {
            Subject = Subject(message.Purpose),
            Body = message.Text,
            IsBodyHtml = false,
            BodyEncoding = System.Text.Encoding.UTF8,
            SubjectEncoding = System.Text.Encoding.UTF8,
        };
        try
        {
            await client.SendMailAsync(mail, cancellationToken);
        }
        catch (SmtpFailedRecipientException ex) when ((int)ex.StatusCode >= 500)
        {
            // The relay refused this address for good (5xx): another try would be refused the same way.
            throw new DeliveryFailedException($"The SMTP relay refused the recipient ({(int)ex.StatusCode}).", retryable: false, ex);
        }
        catch (SmtpException ex)
        {
            throw new DeliveryFailedException($"The SMTP relay did not take the message ({(int)ex.StatusCode}).", retryable: true, ex);
        }

        return null;
    }

    private static string Subject(CodePurpose purpose) => purpose switch
    {
        CodePurpose.Register => "Your verification code",
        CodePurpose.ChangeContact => "Confirm your email address",
        _ => "Your password reset code",
    };
}
