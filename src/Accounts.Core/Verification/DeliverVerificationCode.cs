using Accounts.Core.Errors;
using Accounts.Core.Services;
using Accounts.Core.Users;

namespace Accounts.Core.Verification;

/// <summary>What a delivery came to: the request, and whether it had been sent already (a redelivery: nothing sent now).</summary>
public sealed record CodeDelivery(CodeRequest Request, bool AlreadySent);

/// <summary>
/// Sends the code of one request taken from the bus: this service's requests by id (the outbox holds them), another
/// producer's <c>{Id, Phone}</c> as the original meant it (a registration code by WhatsApp, within the sending limits).
/// A request sent once is never sent again, whatever the bus redelivers.
/// </summary>
public sealed class DeliverVerificationCode(ICodeRequestOutbox outbox, CodeIssuer issuer, CodeOptions options, TimeProvider time)
{
    public static Error UnknownRequest { get; } =
        new("unknown_request", "No code request has this id (it was never made here, or it was pruned).", ErrorKind.NotFound);

    public async Task<Result<CodeDelivery>> ExecuteAsync(CodeRequestMessage message, CancellationToken cancellationToken)
    {
        CodeRequest? request;
        if (message.RequestId is { } requestId)
        {
            request = await outbox.FindAsync(requestId, cancellationToken);
            if (request is null)
            {
                return UnknownRequest;
            }
        }
        else
        {
            var foreign = await ForeignRequestAsync(message, cancellationToken);
            if (!foreign.IsSuccess)
            {
                return foreign.Error!;
            }

            request = foreign.Value;
        }

        if (request.SentAt is not null)
        {
            return new CodeDelivery(request, AlreadySent: true);
        }

        var providerMessageId = await issuer.DeliverAsync(request, cancellationToken);

        // Recorded before the bus commits: a crash from here on redelivers a request that says it was sent.
        var first = await outbox.MarkSentAsync(request.Id, time.GetUtcNow(), providerMessageId, cancellationToken);
        return new CodeDelivery(request with { SentAt = time.GetUtcNow() }, AlreadySent: !first);
    }

    /// <summary>Another producer's message, kept in the outbox under its place on the bus so a redelivery finds it.</summary>
    private async Task<Result<CodeRequest>> ForeignRequestAsync(CodeRequestMessage message, CancellationToken cancellationToken)
    {
        if (await outbox.FindAsync(message.DeliveryKey, cancellationToken) is { } known)
        {
            return known;
        }

        var phone = PhoneNumber.Parse(message.Phone, "Phone");
        if (!phone.IsSuccess)
        {
            return phone.Error!;
        }

        if (message.UserId is not null && UserId.Validate(message.UserId) is { } invalidId)
        {
            return invalidId;
        }

        if (await issuer.CheckLimitsAsync(DeliveryChannel.WhatsApp, phone.Value, null, cancellationToken) is { } limited)
        {
            return limited;
        }

        var now = time.GetUtcNow();
        var request = new CodeRequest
        {
            Id = message.DeliveryKey,
            Purpose = CodePurpose.Register,
            Channel = DeliveryChannel.WhatsApp,
            Destination = phone.Value,
            Lifetime = options.Lifetime,
            UserId = message.UserId,
            CreatedAt = now,
            PublishedAt = now,
        };
        await outbox.AddAsync(request, cancellationToken);
        return request;
    }
}
