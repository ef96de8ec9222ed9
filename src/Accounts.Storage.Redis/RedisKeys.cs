namespace Accounts.Storage.Redis;

/// <summary>
/// Every key this project writes starts with one prefix (default <c>accounts:</c>), so a Redis shared with other
/// services (the Bull queues live under <c>bull:</c>) keeps them apart and an operator can find them.
/// </summary>
public sealed class RedisKeys(string prefix = RedisKeys.DefaultPrefix)
{
    public const string DefaultPrefix = "accounts:";

    public string Prefix { get; } = prefix;

    public string Code(string id) => $"{Prefix}code:{id}";

    public string LiveCode(string purpose, string destinationIndex) => $"{Prefix}code-live:{purpose}:{destinationIndex}";

    public string Lockout(string userId) => $"{Prefix}lockout:{userId}";

    public string RateLimit(string key, long windowStartMs) => $"{Prefix}rate:{key}:{windowStartMs}";

    public string Token(string tokenHash) => $"{Prefix}token:{tokenHash}";

    public string SessionTokens(string sessionId) => $"{Prefix}session-tokens:{sessionId}";

    public string UserSessions(string userId) => $"{Prefix}user-sessions:{userId}";

    public string RevokedSession(string sessionId) => $"{Prefix}revoked-session:{sessionId}";

    public string RevokedUser(string userId) => $"{Prefix}revoked-user:{userId}";
}
