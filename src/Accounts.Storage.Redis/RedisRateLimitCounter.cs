using Accounts.Core.Throttling;
using Accounts.Redis;

namespace Accounts.Storage.Redis;

/// <summary>Fixed windows aligned on the clock, one counter key per window, shared by every process.</summary>
public sealed class RedisRateLimitCounter(IRedisCommands redis, RedisKeys keys, TimeProvider time) : IRateLimitCounter
{
    // The first hit of a window sets the key's expiry to the window's end, so counters clean themselves up.
    private static readonly RedisScript Hit = new("""
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """);

    public async Task<TimeSpan?> TryAcquireAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var windowMs = (long)window.TotalMilliseconds;
        var nowMs = now.ToUnixTimeMilliseconds();
        var start = nowMs - nowMs % windowMs;
        var end = start + windowMs;
        var count = (await redis.EvaluateAsync(Hit, new RedisValue[] { keys.RateLimit(key, start) }, new RedisValue[] { end - nowMs + 1000 }, cancellationToken)).AsInt64();
        return count <= limit ? null : TimeSpan.FromMilliseconds(end - nowMs);
    }
}
