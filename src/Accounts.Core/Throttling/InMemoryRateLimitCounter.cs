using System.Collections.Concurrent;

namespace Accounts.Core.Throttling;

/// <summary>The embedded default: counters in this process only, fixed windows aligned on the clock.</summary>
public sealed class InMemoryRateLimitCounter(TimeProvider time) : IRateLimitCounter
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private long _calls;

    public Task<TimeSpan?> TryAcquireAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var start = new DateTimeOffset(now.UtcTicks - now.UtcTicks % window.Ticks, TimeSpan.Zero);
        var end = start + window;
        var entry = _windows.AddOrUpdate(
            key,
            static (_, s) => new Window(s.end, 1),
            static (_, current, s) => current.End <= s.now ? new Window(s.end, 1) : current with { Count = current.Count + 1 },
            (end, now));

        if (Interlocked.Increment(ref _calls) % 1024 == 0)
        {
            Sweep(now);
        }

        TimeSpan? result = entry.Count <= limit ? null : entry.End - now;
        return Task.FromResult(result);
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, value) in _windows)
        {
            if (value.End <= now)
            {
                _windows.TryRemove(new KeyValuePair<string, Window>(key, value));
            }
        }
    }

    private sealed record Window(DateTimeOffset End, int Count);
}
