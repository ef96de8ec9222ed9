using System.Globalization;
using System.Security.Cryptography;
using Accounts.Core.Errors;
using Accounts.Core.Security;
using Accounts.Core.Throttling;
using Accounts.Core.Verification;

namespace Accounts.Core.Services;

/// <summary>
/// Codes, in two steps. <see cref="IssueAsync(CodePurpose, DeliveryChannel, string, string?, CancellationToken)"/>
/// (the request path) checks the sending limits and writes a <see cref="CodeRequest"/> to the outbox — nothing else,
/// so a request is accepted even while the bus or the provider is down. <see cref="DeliverAsync"/> (the sender, fed by
/// the bus) makes the code, keeps only its keyed hash, and sends the digits.
/// </summary>
public sealed class CodeIssuer(
    IVerificationCodeStore codes,
    ICodeRequestOutbox outbox,
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
    public Task<Result<VerificationTicket>> IssueAsync(
        CodePurpose purpose,
        DeliveryChannel channel,
        string destination,
        string? clientAddress,
        TimeSpan lifetime,
        string? payload,
        CancellationToken cancellationToken) =>
        IssueAsync(purpose, channel, destination, clientAddress, lifetime, payload, null, cancellationToken);

    /// <summary>The same, for a job: <paramref name="requester"/> (the account's id and the job's) is told when the code is sent.</summary>
    public async Task<Result<VerificationTicket>> IssueAsync(
        CodePurpose purpose,
        DeliveryChannel channel,
        string destination,
        string? clientAddress,
        TimeSpan lifetime,
        string? payload,
        CodeRequester? requester,
        CancellationToken cancellationToken)
    {
        if (await CheckLimitsAsync(channel, destination, clientAddress, cancellationToken) is { } limited)
        {
            return limited;
        }

        return await RequestAsync(purpose, channel, destination, lifetime, payload, requester, cancellationToken);
    }

    /// <summary>
    /// Writes the code request to the outbox without counting the sending limits: for a caller that counted them itself
    /// with <see cref="CheckLimitsAsync"/> before costly work (the TCP registration hashes a password first).
    /// </summary>
    public async Task<VerificationTicket> RequestAsync(
        CodePurpose purpose,
        DeliveryChannel channel,
        string destination,
        TimeSpan lifetime,
        string? payload,
        CodeRequester? requester,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var request = new CodeRequest
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            Purpose = purpose,
            Channel = channel,
            Destination = destination,
            Lifetime = lifetime,
            Payload = payload,
            UserId = requester?.UserId,
            JobId = requester?.JobId,
            CreatedAt = now,
        };
        await outbox.AddAsync(request, cancellationToken);
        return new VerificationTicket(request.Id, now + lifetime);
    }

    /// <summary>The sending limits for a request that did not pass through <see cref="IssueAsync(CodePurpose, DeliveryChannel, string, string?, CancellationToken)"/> (another producer's message on the bus).</summary>
    public async Task<Error?> CheckLimitsAsync(DeliveryChannel channel, string destination, string? clientAddress, CancellationToken cancellationToken)
    {
        if (clientAddress is not null
            && await limits.TryAcquireAsync("codes:address:" + clientAddress, options.PerAddressLimit, options.PerAddressWindow, cancellationToken) is { } addressWait)
        {
            return AccountErrors.TooManyCodes(addressWait);
        }

        var destinationIndex = protector.Destination(channel, destination);
        if (await limits.TryAcquireAsync("codes:destination:" + destinationIndex, options.PerDestinationLimit, options.PerDestinationWindow, cancellationToken) is { } destinationWait)
        {
            return AccountErrors.TooManyCodes(destinationWait);
        }

        return null;
    }

    /// <summary>
    /// Makes the request's code (retiring earlier live ones for the destination), stores its hash and sends it; returns
    /// the provider's message id. The code lives <see cref="CodeRequest.Lifetime"/> from now, not from the request.
    /// </summary>
    public async Task<string?> DeliverAsync(CodeRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var digits = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var id = Guid.CreateVersion7(now).ToString("N");
        var code = new VerificationCode
        {
            Id = id,
            Purpose = request.Purpose,
            Channel = request.Channel,
            DestinationIndex = protector.Destination(request.Channel, request.Destination),
            CodeHash = protector.Code(id, digits),
            CreatedAt = now,
            ExpiresAt = now + request.Lifetime,
            Payload = request.Payload,
        };

        await codes.IssueAsync(code, cancellationToken);
        return await sender.SendAsync(new OutgoingMessage(request.Channel, request.Destination, request.Purpose, Text(request.Purpose, digits, request.Lifetime)), cancellationToken);
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

/// <summary>Who asked for a code through a job: the account's id (the job's <c>Id</c>) and the job's id.</summary>
public sealed record CodeRequester(string UserId, string? JobId);
