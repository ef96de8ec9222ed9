using Microsoft.Extensions.Logging;

namespace Accounts.Notifications;

/// <summary>
/// The feed of one process (no Redis): an outcome published here reaches this process's subscribers only, which is
/// every subscriber there is when the service runs as one process. Recent outcomes are kept per user for
/// <see cref="NotificationOptions.KeepFor"/> after they were produced (<see cref="Outcome.At"/>), at most
/// <see cref="NotificationOptions.KeepPerUser"/> of them, the newest.
/// </summary>
public sealed class InMemoryOutcomeFeed(NotificationOptions options, TimeProvider time, ILogger<InMemoryOutcomeFeed> logger)
    : OutcomeFeed(logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Outcome>> _kept = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public override async Task PublishAsync(Outcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_kept.TryGetValue(outcome.UserId, out var kept))
            {
                kept = [];
                _kept[outcome.UserId] = kept;
            }

            kept.Add(outcome);
            Prune(kept, now);
            if (kept.Count == 0)
            {
                _kept.Remove(outcome.UserId);
            }

            // Users who stop receiving outcomes would otherwise stay here for good: once per KeepFor, drop what expired.
            if (now >= _nextSweep)
            {
                foreach (var (userId, list) in _kept.ToList())
                {
                    Prune(list, now);
                    if (list.Count == 0)
                    {
                        _kept.Remove(userId);
                    }
                }

                _nextSweep = now + options.KeepFor;
            }
        }

        await DispatchAsync(outcome);
    }

    public override Task<IReadOnlyList<Outcome>> RecentAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            IReadOnlyList<Outcome> recent = _kept.TryGetValue(userId, out var kept) ? [.. kept.Where(o => IsKept(o, now))] : [];
            return Task.FromResult(recent);
        }
    }

    private bool IsKept(Outcome outcome, DateTimeOffset now) => now - outcome.At < options.KeepFor;

    private void Prune(List<Outcome> kept, DateTimeOffset now)
    {
        kept.RemoveAll(o => !IsKept(o, now));
        if (kept.Count > options.KeepPerUser)
        {
            kept.RemoveRange(0, kept.Count - options.KeepPerUser);
        }
    }
}
