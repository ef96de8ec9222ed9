using Microsoft.Extensions.Logging;

namespace Accounts.Notifications;

/// <summary>
/// What both feeds share: they are a sink (outcomes go in) and a feed (this process's subscribers get them out).
/// Registered once, as both, so the publisher and the hub see the same instance. Only this assembly derives from it.
/// </summary>
public abstract class OutcomeFeed : IOutcomeFeed, IOutcomeSink
{
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private Subscriber[] _subscribers = [];

    private protected OutcomeFeed(ILogger logger)
    {
        _logger = logger;
    }

    public IDisposable Subscribe(Func<Outcome, Task> onOutcome)
    {
        ArgumentNullException.ThrowIfNull(onOutcome);
        var subscriber = new Subscriber(this, onOutcome);
        lock (_gate)
        {
            // Replaced, never changed in place: a dispatch in progress keeps iterating the array it took.
            _subscribers = [.. _subscribers, subscriber];
        }

        OnSubscribed();
        return subscriber;
    }

    public abstract Task PublishAsync(Outcome outcome, CancellationToken cancellationToken);

    public abstract Task<IReadOnlyList<Outcome>> RecentAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Completes once outcomes published from now on reach this process's subscribers: at once in memory; with Redis,
    /// once the first subscription to the channel is confirmed (later reconnections are the client's business).
    /// </summary>
    public virtual Task WhenListeningAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called after each <see cref="Subscribe"/>; the Redis feed starts listening on the first.</summary>
    private protected virtual void OnSubscribed()
    {
    }

    /// <summary>Calls every subscriber in turn; one that throws is logged and the others still get the outcome.</summary>
    private protected async Task DispatchAsync(Outcome outcome)
    {
        Subscriber[] subscribers;
        lock (_gate)
        {
            subscribers = _subscribers;
        }

        foreach (var subscriber in subscribers)
        {
            try
            {
                await subscriber.OnOutcome(outcome);
            }
            catch (Exception ex)
            {
                NotificationsLog.SubscriberFailed(_logger, outcome.Operation, outcome.JobId, ex);
            }
        }
    }

    private void Remove(Subscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => s != subscriber)];
        }
    }

    private sealed class Subscriber(OutcomeFeed feed, Func<Outcome, Task> onOutcome) : IDisposable
    {
        public Func<Outcome, Task> OnOutcome { get; } = onOutcome;

        public void Dispose() => feed.Remove(this);
    }
}
