using System.Globalization;
using Accounts.Core;
using Accounts.Core.Sessions;
using Accounts.Redis;

namespace Accounts.Storage.Redis;

/// <summary>
/// Verified access tokens by hash, shared by every process, with the indexes revocation needs: the tokens of each
/// session and the sessions of each user. Revoking leaves a tombstone for as long as an access token can live, so
/// a process that read the session just before the revocation cannot cache its token just after it.
/// </summary>
public sealed class RedisTokenCache(IRedisCommands redis, RedisKeys keys, TokenOptions options) : ITokenCache
{
    /// <summary>
    /// User-wide revocations are compared with the time a session was read, on two processes' clocks: a token read
    /// up to this long before such a revocation is not cached (it is only checked against the store again).
    /// </summary>
    public static readonly TimeSpan ClockAllowance = TimeSpan.FromSeconds(5);

    // KEYS: token, session's tokens, user's sessions, session tombstone, user tombstone.
    // ARGV: value, ttl ms, checked-at ms, session id, token hash.
    private static readonly RedisScript Set = new("""
        if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
        local revoked = redis.call('GET', KEYS[5])
        if revoked and tonumber(revoked) >= tonumber(ARGV[3]) then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        for i = 2, 3 do
          redis.call('SADD', KEYS[i], i == 2 and ARGV[5] or ARGV[4])
          if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
        end
        return 1
        """);

    // KEYS: session's tokens, session tombstone. ARGV: tombstone ttl ms, token key prefix.
    private static readonly RedisScript DropSession = new("""
        redis.call('SET', KEYS[2], '1', 'PX', ARGV[1])
        for _, hash in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('DEL', ARGV[2] .. hash) end
        redis.call('DEL', KEYS[1])
        return 1
        """);

    // KEYS: user's sessions, user tombstone. ARGV: tombstone ttl ms, now ms, except session id, key prefix.
    // The other keys are derived from the prefix: Accounts runs on one Redis, not a cluster.
    private static readonly RedisScript DropUser = new("""
        redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[1])
        for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
          if sid ~= ARGV[3] then
            redis.call('SET', ARGV[4] .. 'revoked-session:' .. sid, '1', 'PX', ARGV[1])
            local tokens = ARGV[4] .. 'session-tokens:' .. sid
            for _, hash in ipairs(redis.call('SMEMBERS', tokens)) do redis.call('DEL', ARGV[4] .. 'token:' .. hash) end
            redis.call('DEL', tokens)
            redis.call('SREM', KEYS[1], sid)
          end
        end
        return 1
        """);

    private long TombstoneMs => (long)options.AccessTokenLifetime.TotalMilliseconds + 60_000;

    public async Task<CachedToken?> GetAsync(string tokenHash, CancellationToken cancellationToken)
    {
        var value = await redis.GetAsync(keys.Token(tokenHash), cancellationToken);
        if (value is null)
        {
            return null;
        }

        var parts = value.Split('\n');
        return parts.Length == 3
            ? new CachedToken(parts[0], parts[1], DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[2], CultureInfo.InvariantCulture)))
            : null;
    }

    public async Task SetAsync(string tokenHash, CachedToken token, DateTimeOffset checkedAt, CancellationToken cancellationToken)
    {
        var ttl = (long)(token.ExpiresAt - checkedAt).TotalMilliseconds;
        if (ttl <= 0)
        {
            return;
        }

        var value = string.Join('\n', token.Subject, token.SessionId, token.ExpiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        await redis.EvaluateAsync(
            Set,
            new RedisValue[] { keys.Token(tokenHash), keys.SessionTokens(token.SessionId), keys.UserSessions(token.Subject), keys.RevokedSession(token.SessionId), keys.RevokedUser(token.Subject) },
            new RedisValue[] { value, ttl, (checkedAt - ClockAllowance).ToUnixTimeMilliseconds(), token.SessionId, tokenHash },
            cancellationToken);
    }

    public async Task DropSessionAsync(string sessionId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await redis.EvaluateAsync(
            DropSession,
            new RedisValue[] { keys.SessionTokens(sessionId), keys.RevokedSession(sessionId) },
            new RedisValue[] { TombstoneMs, keys.Token(string.Empty) },
            cancellationToken);

    public async Task DropUserAsync(string userId, string? exceptSessionId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await redis.EvaluateAsync(
            DropUser,
            new RedisValue[] { keys.UserSessions(userId), keys.RevokedUser(userId) },
            new RedisValue[] { TombstoneMs, now.ToUnixTimeMilliseconds(), exceptSessionId ?? string.Empty, keys.Prefix },
            cancellationToken);
}
