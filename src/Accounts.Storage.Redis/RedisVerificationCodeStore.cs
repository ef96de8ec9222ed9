using System.Globalization;
using Accounts.Core.Verification;
using Accounts.Redis;

namespace Accounts.Storage.Redis;

/// <summary>
/// Codes in Redis: each code a hash under its id, plus a pointer from (purpose, destination index) to the live one.
/// Both expire with the code. Issuing replaces the pointer and deletes the code it pointed to, attempts and
/// consumption are scripts, so concurrent guesses through any process share one attempt counter.
/// </summary>
public sealed class RedisVerificationCodeStore(IRedisCommands redis, RedisKeys keys) : IVerificationCodeStore
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    // KEYS: live pointer, new code. ARGV: new id, time to live (ms), code key prefix, then the hash's field/value pairs.
    // Lifetimes are relative: the service's clock, not Redis', decides when a code has expired (FindLiveAsync); the
    // keys merely go away a little after that.
    private static readonly RedisScript Issue = new("""
        local previous = redis.call('GET', KEYS[1])
        if previous then redis.call('DEL', ARGV[3] .. previous) end
        redis.call('HSET', KEYS[2], unpack(ARGV, 4))
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
        """);

    // KEYS: live pointer. ARGV: code key prefix. The whole hash of the code the pointer names, or nil.
    private static readonly RedisScript FindLive = new("""
        local id = redis.call('GET', KEYS[1])
        if not id then return nil end
        local fields = redis.call('HGETALL', ARGV[1] .. id)
        if #fields == 0 then return nil end
        return fields
        """);

    private static readonly RedisScript BeginAttempt = new("""
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        if redis.call('HGET', KEYS[1], 'consumedAt') then return 0 end
        if tonumber(redis.call('HGET', KEYS[1], 'attempts')) >= tonumber(ARGV[1]) then return 0 end
        redis.call('HINCRBY', KEYS[1], 'attempts', 1)
        return 1
        """);

    private static readonly RedisScript Consume = new("""
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        return redis.call('HSETNX', KEYS[1], 'consumedAt', ARGV[1])
        """);

    public async Task IssueAsync(VerificationCode code, CancellationToken cancellationToken)
    {
        RedisValue[] args =
        [
            code.Id,
            (long)(code.ExpiresAt - code.CreatedAt + Grace).TotalMilliseconds,
            keys.Code(string.Empty),
            "id", code.Id,
            "purpose", code.Purpose.ToWire(),
            "channel", code.Channel.ToWire(),
            "destinationIndex", code.DestinationIndex,
            "codeHash", code.CodeHash,
            "attempts", code.Attempts,
            "createdAt", code.CreatedAt.ToUnixTimeMilliseconds(),
            "expiresAt", code.ExpiresAt.ToUnixTimeMilliseconds(),
            "payload", code.Payload ?? string.Empty,
        ];
        await redis.EvaluateAsync(Issue, new RedisValue[] { keys.LiveCode(code.Purpose.ToWire(), code.DestinationIndex), keys.Code(code.Id) }, args, cancellationToken);
    }

    public async Task<VerificationCode?> FindLiveAsync(CodePurpose purpose, string destinationIndex, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reply = await redis.EvaluateAsync(FindLive, new RedisValue[] { keys.LiveCode(purpose.ToWire(), destinationIndex) }, new RedisValue[] { keys.Code(string.Empty) }, cancellationToken);
        if (reply.IsNull)
        {
            return null;
        }

        var items = reply.AsStringArray()!;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < items.Length; i += 2)
        {
            fields[items[i]!] = items[i + 1]!;
        }

        var code = new VerificationCode
        {
            Id = fields["id"],
            Purpose = CodePurposes.FromWire(fields["purpose"]) ?? throw new InvalidDataException("Unknown code purpose in Redis."),
            Channel = DeliveryChannels.FromWire(fields["channel"]) ?? throw new InvalidDataException("Unknown code channel in Redis."),
            DestinationIndex = fields["destinationIndex"],
            CodeHash = fields["codeHash"],
            Attempts = int.Parse(fields["attempts"], CultureInfo.InvariantCulture),
            CreatedAt = Ms(fields["createdAt"]),
            ExpiresAt = Ms(fields["expiresAt"]),
            ConsumedAt = fields.TryGetValue("consumedAt", out var consumed) ? Ms(consumed) : null,
            Payload = fields.TryGetValue("payload", out var payload) && payload.Length > 0 ? payload : null,
        };

        // The key expires with the code, but Redis expiry is lazy to the millisecond: the clock decides.
        return code.ConsumedAt is null && now < code.ExpiresAt ? code : null;
    }

    public async Task<bool> TryBeginAttemptAsync(string codeId, int maxAttempts, CancellationToken cancellationToken) =>
        (await redis.EvaluateAsync(BeginAttempt, new RedisValue[] { keys.Code(codeId) }, new RedisValue[] { maxAttempts }, cancellationToken)).AsInt64() == 1;

    public async Task<bool> TryConsumeAsync(string codeId, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await redis.EvaluateAsync(Consume, new RedisValue[] { keys.Code(codeId) }, new RedisValue[] { now.ToUnixTimeMilliseconds() }, cancellationToken)).AsInt64() == 1;

    private static DateTimeOffset Ms(string value) => DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(value, CultureInfo.InvariantCulture));
}
