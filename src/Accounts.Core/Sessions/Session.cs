namespace Accounts.Core.Sessions;

/// <summary>
/// A sign-in: the family of refresh tokens that descend from it. Access tokens name their session, so revoking
/// it (sign-out, password reset, reuse of a spent refresh token, account deletion) rejects them all at once.
/// </summary>
public sealed record Session(string Id, string UserId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt = null)
{
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}

/// <summary>A refresh token as stored: only its keyed hash. Each is good once; using it again revokes its family.</summary>
public sealed record RefreshToken(string TokenHash, string SessionId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? SpentAt = null);
