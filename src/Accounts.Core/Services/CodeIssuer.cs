using System.Globalization;
using System.Security.Cryptography;
using Accounts.Core.Errors;
using Accounts.Core.Security;
using Accounts.Core.Throttling;
using Accounts.Core.Verification;

namespace Accounts.Core.Services;

/// <summary>Makes a code, keeps only its keyed hash, and sends the digits to the destination, within sending limits.</summary>
public sealed class CodeIssuer(
    IVerificationCodeStore codes,
    IMessageSender sender,
    IFieldProtector protector,
    IRateLimitCounter limits,
    CodeOptions options,
    TimeProvider time)
{
    public Task<Result<VerificationTicket>> IssueAsync(
        CodePurpose purpose,
        DeliveryChannel channel,
        string destination,
        string? clientAddress,
        CancellationToken cancellationToken) =>
        IssueAsync(purpose, channel, destination, clientAddress, options.Lifetime, null, cancellationToken);

    /// <summary>Issues a code with its own <paramref name="lifetime"/>, carrying <paramref name="payload"/> (already protected) until it is used.</summary>
    public async Task<Result<VerificationTicket>> IssueAsync(
        CodePurpose purpose,
        DeliveryChannel channel,
        string destination,
        string? clientAddress,
        TimeSpan lifetime,
        string? payload,
        CancellationToken cancellationToken)
    {
        var destinationIndex = protector.Destination(channel, destination);

        if (clientAddress is not null
            && await limits.TryAcquireAsync("codes:address:" + clientAddress, options.PerAddressLimit, options.PerAddressWindow, cancellationToken) is { } addressWait)
        {
            return AccountErrors.TooManyCodes(addressWait);
        }

        if (await limits.TryAcquireAsync("codes:destination:" + destinationIndex, options.PerDestinationLimit, options.PerDestinationWindow, cancellationToken) is { } destinationWait)
        {
            return AccountErrors.TooManyCodes(destinationWait);
        }

        var now = time.GetUtcNow();
        var digits = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var id = Guid.CreateVersion7(now).ToString("N");
        var code = new VerificationCode
        {
            Id = id,
            Purpose = purpose,
            Channel = channel,
            DestinationIndex = destinationIndex,
            CodeHash = protector.Code(id, digits),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
            Payload = payload,
        };

        await codes.IssueAsync(code, cancellationToken);
        await sender.SendAsync(new OutgoingMessage(channel, destination, purpose, Text(purpose, digits, lifetime)), cancellationToken);
        return new VerificationTicket(id, code.ExpiresAt);
    }

    private static string Text(CodePurpose purpose, string digits, TimeSpan lifetime)
    {
        var minutes = (int)Math.Ceiling(lifetime.TotalMinutes);
        var what = purpose switch
        {
            CodePurpose.Register => "verification code",
            CodePurpose.ChangeContact => "code to confirm this contact",
            _ => "password reset code",
        };
        return $"Your {what} is {digits}. It expires in {minutes} minutes. If you did not ask for it, ignore this message.";
    }
}

public sealed record VerificationTicket(string VerificationId, DateTimeOffset ExpiresAt);
