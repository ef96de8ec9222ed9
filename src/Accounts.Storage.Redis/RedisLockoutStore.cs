using Accounts.Core.Sessions;
using Accounts.Redis;

namespace Accounts.Storage.Redis;

/// <summary>
/// Consecutive sign-in failures per user in one hash (<c>failures</c>, <c>lockedUntil</c> in Unix ms), counted
/// atomically by a script so failures through any process add up to one lockout. A key untouched for
/// <see cref="Retention"/> expires: a run of failures spread over longer than that starts again.
/// </summary>
public sealed class RedisLockoutStore(IRedisCommands redis, RedisKeys keys) : ILockoutStore
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    private static readonly RedisScript Fail = new("""
        local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
        local locked = redis.call('HGET', KEYS[1], 'lockedUntil')
        if failures >= tonumber(ARGV[1]) then
          failures = 0
          locked = ARGV[2]
          redis.call('HSET', KEYS[1], 'failures', 0, 'lockedUntil', locked)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return { failures, locked or '' }
        """);

    public async Task<LockoutState> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var reply = (await redis.ExecuteAsync("HMGET", new RedisValue[] { keys.Lockout(userId), "failures", "lockedUntil" }, cancellationToken)).AsStringArray()!;
        return State(reply[0], reply[1]);
    }

    public async Task<LockoutState> RecordFailureAsync(string userId, int threshold, TimeSpan lockDuration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var until = (now + lockDuration).ToUnixTimeMilliseconds();
        var retention = (long)Math.Max(Retention.TotalMilliseconds, lockDuration.TotalMilliseconds);
        var reply = (await redis.EvaluateAsync(Fail, new RedisValue[] { keys.Lockout(userId) }, new RedisValue[] { threshold, until, retention }, cancellationToken)).AsArray()!;
        return State(reply[0].AsInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), reply[1].AsString());
    }

    public async Task ResetAsync(string userId, CancellationToken cancellationToken) =>
        await redis.DeleteAsync(keys.Lockout(userId), cancellationToken);

    private static LockoutState State(string? failures, string? lockedUntil) => new(
        string.IsNullOrEmpty(failures) ? 0 : int.Parse(failures, System.Globalization.CultureInfo.InvariantCulture),
        string.IsNullOrEmpty(lockedUntil) ? null : DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(lockedUntil, System.Globalization.CultureInfo.InvariantCulture)));
}
