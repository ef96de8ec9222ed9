namespace Accounts.Redis;

/// <summary>When SET writes.</summary>
public enum SetCondition
{
    Always,

    /// <summary>NX: only when the key does not exist.</summary>
    IfNotExists,

    /// <summary>XX: only when the key exists.</summary>
    IfExists,
}

/// <summary>
/// Typed helpers over <see cref="IRedisCommands.ExecuteAsync"/> for the commands the service uses most. Anything
/// else is one <c>ExecuteAsync("COMMAND", ...)</c> away. Keys, fields and members are <see cref="RedisValue"/>s;
/// replies read as UTF-8 text unless a method says bytes.
/// </summary>
public static class RedisCommandExtensions
{
    public static Task<RedisResult> ExecuteAsync(this IRedisCommands redis, string command, params RedisValue[] args) =>
        redis.ExecuteAsync(command, args, CancellationToken.None);

    public static async Task PingAsync(this IRedisCommands redis, CancellationToken cancellationToken = default) =>
        await redis.ExecuteAsync("PING", ReadOnlyMemory<RedisValue>.Empty, cancellationToken);

    // Keys and strings

    public static async Task<string?> GetAsync(this IRedisCommands redis, RedisValue key, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("GET", new[] { key }, cancellationToken)).AsString();

    public static async Task<byte[]?> GetBytesAsync(this IRedisCommands redis, RedisValue key, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("GET", new[] { key }, cancellationToken)).AsBytes();

    /// <summary>SET with an optional expiry (PX, to the millisecond) and condition; false when NX/XX stopped the write.</summary>
    public static async Task<bool> SetAsync(
        this IRedisCommands redis,
        RedisValue key,
        RedisValue value,
        TimeSpan? expiry = null,
        SetCondition condition = SetCondition.Always,
        CancellationToken cancellationToken = default)
    {
        var args = new List<RedisValue>(5) { key, value };
        if (expiry is { } ttl)
        {
            args.Add("PX");
            args.Add(Milliseconds(ttl, nameof(expiry)));
        }

        if (condition != SetCondition.Always)
        {
            args.Add(condition == SetCondition.IfNotExists ? "NX" : "XX");
        }

        return !(await redis.ExecuteAsync("SET", args.ToArray(), cancellationToken)).IsNull;
    }

    /// <summary>DEL; the number of keys that existed.</summary>
    public static async Task<long> DeleteAsync(this IRedisCommands redis, ReadOnlyMemory<RedisValue> keys, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("DEL", keys, cancellationToken)).AsInt64();

    public static async Task<bool> DeleteAsync(this IRedisCommands redis, RedisValue key, CancellationToken cancellationToken = default) =>
        await redis.DeleteAsync(new[] { key }, cancellationToken) == 1;

    public static async Task<bool> ExistsAsync(this IRedisCommands redis, RedisValue key, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("EXISTS", new[] { key }, cancellationToken)).AsInt64() == 1;

    /// <summary>INCR (or INCRBY); the new value.</summary>
    public static async Task<long> IncrementAsync(this IRedisCommands redis, RedisValue key, long by = 1, CancellationToken cancellationToken = default) =>
        (by == 1
            ? await redis.ExecuteAsync("INCR", new[] { key }, cancellationToken)
            : await redis.ExecuteAsync("INCRBY", new[] { key, by }, cancellationToken)).AsInt64();

    /// <summary>PEXPIRE; false when the key does not exist.</summary>
    public static async Task<bool> ExpireAsync(this IRedisCommands redis, RedisValue key, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("PEXPIRE", new[] { key, Milliseconds(ttl, nameof(ttl)) }, cancellationToken)).AsInt64() == 1;

    /// <summary>PTTL; null when the key does not exist or has no expiry (PTTL tells these apart with -2 and -1).</summary>
    public static async Task<TimeSpan?> TimeToLiveAsync(this IRedisCommands redis, RedisValue key, CancellationToken cancellationToken = default)
    {
        var milliseconds = (await redis.ExecuteAsync("PTTL", new[] { key }, cancellationToken)).AsInt64();
        return milliseconds < 0 ? null : TimeSpan.FromMilliseconds(milliseconds);
    }

    // Hashes

    /// <summary>HSET of one field; true when the field is new.</summary>
    public static async Task<bool> HashSetAsync(this IRedisCommands redis, RedisValue key, RedisValue field, RedisValue value, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("HSET", new[] { key, field, value }, cancellationToken)).AsInt64() == 1;

    /// <summary>HSET of several fields at once; the number of new fields.</summary>
    public static async Task<long> HashSetAsync(
        this IRedisCommands redis,
        RedisValue key,
        IEnumerable<KeyValuePair<string, RedisValue>> fields,
        CancellationToken cancellationToken = default)
    {
        var args = new List<RedisValue> { key };
        foreach (var (field, value) in fields)
        {
            args.Add(field);
            args.Add(value);
        }

        return args.Count == 1
            ? throw new ArgumentException("HSET needs at least one field.", nameof(fields))
            : (await redis.ExecuteAsync("HSET", args.ToArray(), cancellationToken)).AsInt64();
    }

    public static async Task<string?> HashGetAsync(this IRedisCommands redis, RedisValue key, RedisValue field, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("HGET", new[] { key, field }, cancellationToken)).AsString();

    /// <summary>HGETALL; empty when the key does not exist.</summary>
    public static async Task<Dictionary<string, string>> HashGetAllAsync(this IRedisCommands redis, RedisValue key, CancellationToken cancellationToken = default)
    {
        var items = (await redis.ExecuteAsync("HGETALL", new[] { key }, cancellationToken)).AsArray() ?? [];
        var fields = new Dictionary<string, string>(items.Count / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            fields[items[i].AsString()!] = items[i + 1].AsString()!;
        }

        return fields;
    }

    /// <summary>HDEL of one field; true when it existed.</summary>
    public static async Task<bool> HashDeleteAsync(this IRedisCommands redis, RedisValue key, RedisValue field, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("HDEL", new[] { key, field }, cancellationToken)).AsInt64() == 1;

    /// <summary>HINCRBY; the new value.</summary>
    public static async Task<long> HashIncrementAsync(this IRedisCommands redis, RedisValue key, RedisValue field, long by = 1, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("HINCRBY", new[] { key, field, by }, cancellationToken)).AsInt64();

    // Lists

    /// <summary>LPUSH; the list's new length.</summary>
    public static Task<long> ListLeftPushAsync(this IRedisCommands redis, RedisValue key, RedisValue value, CancellationToken cancellationToken = default) =>
        Push(redis, "LPUSH", key, value, cancellationToken);

    /// <summary>RPUSH; the list's new length.</summary>
    public static Task<long> ListRightPushAsync(this IRedisCommands redis, RedisValue key, RedisValue value, CancellationToken cancellationToken = default) =>
        Push(redis, "RPUSH", key, value, cancellationToken);

    /// <summary>LRANGE (inclusive, negative indexes count from the end).</summary>
    public static async Task<string?[]> ListRangeAsync(this IRedisCommands redis, RedisValue key, long start = 0, long stop = -1, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("LRANGE", new[] { key, start, stop }, cancellationToken)).AsStringArray() ?? [];

    /// <summary>LREM; the number of elements removed.</summary>
    public static async Task<long> ListRemoveAsync(this IRedisCommands redis, RedisValue key, long count, RedisValue value, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("LREM", new[] { key, count, value }, cancellationToken)).AsInt64();

    public static async Task<long> ListLengthAsync(this IRedisCommands redis, RedisValue key, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("LLEN", new[] { key }, cancellationToken)).AsInt64();

    // Sorted sets

    /// <summary>ZADD of one member; true when it is new (an existing member's score is updated).</summary>
    public static async Task<bool> SortedSetAddAsync(this IRedisCommands redis, RedisValue key, double score, RedisValue member, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("ZADD", new[] { key, score, member }, cancellationToken)).AsInt64() == 1;

    /// <summary>ZRANGEBYSCORE, inclusive bounds (infinities allowed), optionally paged with LIMIT.</summary>
    public static async Task<string?[]> SortedSetRangeByScoreAsync(
        this IRedisCommands redis,
        RedisValue key,
        double min = double.NegativeInfinity,
        double max = double.PositiveInfinity,
        long offset = 0,
        long? count = null,
        CancellationToken cancellationToken = default)
    {
        RedisValue[] args = count is { } limit ? [key, min, max, "LIMIT", offset, limit] : [key, min, max];
        return (await redis.ExecuteAsync("ZRANGEBYSCORE", args, cancellationToken)).AsStringArray() ?? [];
    }

    /// <summary>ZSCORE; null when the member is absent.</summary>
    public static async Task<double?> SortedSetScoreAsync(this IRedisCommands redis, RedisValue key, RedisValue member, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("ZSCORE", new[] { key, member }, cancellationToken)).AsNullableDouble();

    /// <summary>ZREM of one member; true when it was there.</summary>
    public static async Task<bool> SortedSetRemoveAsync(this IRedisCommands redis, RedisValue key, RedisValue member, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("ZREM", new[] { key, member }, cancellationToken)).AsInt64() == 1;

    // Pub/sub and scripts

    /// <summary>PUBLISH; the number of subscribers that received the message.</summary>
    public static async Task<long> PublishAsync(this IRedisCommands redis, RedisValue channel, RedisValue message, CancellationToken cancellationToken = default) =>
        (await redis.ExecuteAsync("PUBLISH", new[] { channel, message }, cancellationToken)).AsInt64();

    /// <summary>Subscribes to one channel or pattern; see <see cref="IRedisClient.SubscribeAsync"/>.</summary>
    public static Task<IAsyncDisposable> SubscribeAsync(
        this IRedisClient redis,
        RedisChannel channel,
        Func<RedisMessage, CancellationToken, ValueTask> handler,
        CancellationToken cancellationToken = default) =>
        redis.SubscribeAsync([channel], handler, cancellationToken);

    /// <summary>SCRIPT LOAD, to warm the cache ahead of use (not needed: EvaluateAsync loads on NOSCRIPT); returns the SHA1.</summary>
    public static async Task<string> LoadScriptAsync(this IRedisCommands redis, RedisScript script, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(script);
        return (await redis.ExecuteAsync("SCRIPT", new RedisValue[] { "LOAD", script.Source }, cancellationToken)).AsString()!;
    }

    // Blocking (dedicated connections)

    /// <summary>
    /// BRPOPLPUSH: moves the last element of <paramref name="source"/> to the head of <paramref name="destination"/>,
    /// waiting up to <paramref name="timeout"/> (zero: forever) for one; null when none came.
    /// </summary>
    public static async Task<string?> BlockingRightPopLeftPushAsync(
        this IRedisConnection connection,
        RedisValue source,
        RedisValue destination,
        TimeSpan timeout,
        CancellationToken cancellationToken = default) =>
        (await connection.ExecuteAsync("BRPOPLPUSH", new[] { source, destination, Seconds(timeout) }, cancellationToken)).AsString();

    private static async Task<long> Push(IRedisCommands redis, string command, RedisValue key, RedisValue value, CancellationToken cancellationToken) =>
        (await redis.ExecuteAsync(command, new[] { key, value }, cancellationToken)).AsInt64();

    private static long Milliseconds(TimeSpan value, string name) =>
        value > TimeSpan.Zero
            ? (long)Math.Ceiling(value.TotalMilliseconds)
            : throw new ArgumentOutOfRangeException(name, "An expiry must be positive.");

    /// <summary>Whole seconds as an integer, which every Redis version accepts; fractions only where needed (Redis 6+).</summary>
    private static RedisValue Seconds(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
        return value.Ticks % TimeSpan.TicksPerSecond == 0 ? (RedisValue)(value.Ticks / TimeSpan.TicksPerSecond) : value.TotalSeconds;
    }
}
