namespace Accounts.Core.Verification;

/// <summary>
/// A request to send a code, as it waits in the outbox and travels to the sender (Kafka's topic <c>Verification</c>,
/// or this process). The code itself is made only when the request is delivered, so no digits wait anywhere.
/// </summary>
public sealed record CodeRequest
{
    /// <summary>The request's id: the Kafka header <c>accounts-request-id</c>, and what deduplicates redeliveries.</summary>
    public required string Id { get; init; }

    public required CodePurpose Purpose { get; init; }

    public required DeliveryChannel Channel { get; init; }

    /// <summary>The email address or E.164 phone, in clear in memory only: stores keep it encrypted.</summary>
    public required string Destination { get; init; }

    /// <summary>How long the code lives once made.</summary>
    public required TimeSpan Lifetime { get; init; }

    /// <summary>What the code will carry (a pending registration), already protected by the core.</summary>
    public string? Payload { get; init; }

    /// <summary>The account the request is about, when a job asked for it: whom to tell that the code was sent.</summary>
    public string? UserId { get; init; }

    /// <summary>The job that asked for it (queue <c>Verification</c>), when one did.</summary>
    public string? JobId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? PublishedAt { get; init; }

    /// <summary>When the code went out; set once, and a request sent is never sent again.</summary>
    public DateTimeOffset? SentAt { get; init; }
}

/// <summary>What became of a delivered message at its provider (Twilio's status callbacks).</summary>
public sealed record DeliveryStatus(string ProviderMessageId, string Status, string? ErrorCode, DateTimeOffset At);
