namespace Accounts.Core.Verification;

/// <summary>
/// The outbox of code requests, in the database: a request is written there before anything else happens (one
/// transaction), a relay publishes what is not yet published, and the sender marks what it sent, so that a request is
/// neither lost (the relay retries until the bus takes it) nor sent twice (a redelivery finds it sent).
/// </summary>
public interface ICodeRequestOutbox
{
    Task AddAsync(CodeRequest request, CancellationToken cancellationToken);

    /// <summary>Requests not yet published, oldest first.</summary>
    Task<IReadOnlyList<CodeRequest>> UnpublishedAsync(int max, CancellationToken cancellationToken);

    /// <summary>Marks the request published; false when it was already (another relay took it).</summary>
    Task<bool> MarkPublishedAsync(string requestId, DateTimeOffset at, CancellationToken cancellationToken);

    Task<CodeRequest?> FindAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes again requests published before <paramref name="publishedBefore"/> and neither sent nor failed — those a
    /// process took and died with — marking each published at <paramref name="now"/>; returns those this call took.
    /// </summary>
    Task<IReadOnlyList<CodeRequest>> ReclaimAbandonedAsync(DateTimeOffset publishedBefore, DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>Records that the request can never be sent (it is not taken again).</summary>
    Task MarkFailedAsync(string requestId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records that the request's code went out (and the provider's id for it); false when it was recorded already.</summary>
    Task<bool> MarkSentAsync(string requestId, DateTimeOffset at, string? providerMessageId, CancellationToken cancellationToken);

    /// <summary>Records a provider's delivery report for the message it named; false when no request sent that message.</summary>
    Task<bool> RecordDeliveryAsync(DeliveryStatus status, CancellationToken cancellationToken);

    /// <summary>The last delivery report recorded for the request, if any.</summary>
    Task<DeliveryStatus?> FindDeliveryAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Forgets requests sent (or failed for good) before <paramref name="sentBefore"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken);
}

/// <summary>
/// Carries code requests from the outbox relay to the sender: Kafka's topic <c>Verification</c> when configured,
/// otherwise a queue in this process. Publishing may fail (the broker is down): the request stays in the outbox.
/// </summary>
public interface ICodeRequestPublisher
{
    Task PublishAsync(CodeRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// A request as the sender receives it from the bus: by id (this service's requests; the outbox holds the rest), or,
/// from another producer (the original Verification service), as <c>{Id, Phone}</c> only.
/// </summary>
/// <param name="RequestId">The <c>accounts-request-id</c> header; null for another producer's message.</param>
/// <param name="DeliveryKey">What identifies this very message on the bus (topic, partition, offset), to deduplicate another producer's messages.</param>
/// <param name="UserId">The value's <c>Id</c>.</param>
/// <param name="Phone">The value's <c>Phone</c>.</param>
public sealed record CodeRequestMessage(string? RequestId, string DeliveryKey, string? UserId, string? Phone);

/// <summary>A provider could not take a message. <see cref="Retryable"/>: trying again later may succeed.</summary>
public sealed class DeliveryFailedException(string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}

/// <summary>An outbox that passes everything to another; decorators override what they add to.</summary>
public abstract class DelegatingCodeRequestOutbox(ICodeRequestOutbox inner) : ICodeRequestOutbox
{
    protected ICodeRequestOutbox Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    public virtual Task AddAsync(CodeRequest request, CancellationToken cancellationToken) => Inner.AddAsync(request, cancellationToken);

    public virtual Task<IReadOnlyList<CodeRequest>> UnpublishedAsync(int max, CancellationToken cancellationToken) => Inner.UnpublishedAsync(max, cancellationToken);

    public virtual Task<bool> MarkPublishedAsync(string requestId, DateTimeOffset at, CancellationToken cancellationToken) => Inner.MarkPublishedAsync(requestId, at, cancellationToken);

    public virtual Task<CodeRequest?> FindAsync(string requestId, CancellationToken cancellationToken) => Inner.FindAsync(requestId, cancellationToken);

    public virtual Task<IReadOnlyList<CodeRequest>> ReclaimAbandonedAsync(DateTimeOffset publishedBefore, DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        Inner.ReclaimAbandonedAsync(publishedBefore, now, max, cancellationToken);

    public virtual Task MarkFailedAsync(string requestId, DateTimeOffset at, CancellationToken cancellationToken) => Inner.MarkFailedAsync(requestId, at, cancellationToken);

    public virtual Task<bool> MarkSentAsync(string requestId, DateTimeOffset at, string? providerMessageId, CancellationToken cancellationToken) =>
        Inner.MarkSentAsync(requestId, at, providerMessageId, cancellationToken);

    public virtual Task<bool> RecordDeliveryAsync(DeliveryStatus status, CancellationToken cancellationToken) => Inner.RecordDeliveryAsync(status, cancellationToken);

    public virtual Task<DeliveryStatus?> FindDeliveryAsync(string requestId, CancellationToken cancellationToken) => Inner.FindDeliveryAsync(requestId, cancellationToken);

    public virtual Task<int> PruneAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken) => Inner.PruneAsync(sentBefore, cancellationToken);
}
