namespace Accounts.Core.Throttling;

/// <summary>Fixed-window counters shared by the processes of one deployment (in-process by default, Redis when configured).</summary>
public interface IRateLimitCounter
{
    /// <summary>Counts one hit on <paramref name="key"/>; null when within <paramref name="limit"/> per window, else how long until the window ends.</summary>
    Task<TimeSpan?> TryAcquireAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken);
}
