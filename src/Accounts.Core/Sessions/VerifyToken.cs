using Accounts.Core.Security;
using Accounts.Core.Services;

namespace Accounts.Core.Sessions;

/// <summary>What introspection tells of a token. Inactive says nothing more, whatever the reason.</summary>
public sealed record TokenStatus(bool Active, string? Subject = null, DateTimeOffset? ExpiresAt = null, string? SessionId = null)
{
    public static TokenStatus Inactive { get; } = new(false);

    public AccountPrincipal? Principal => Active ? new AccountPrincipal(Subject!, SessionId!) : null;
}

/// <summary>
/// Decides whether an access token may act: a good signature and lifetime are not enough, its session must be
/// live and belong to the subject the token claims (sign-out, password reset and deletion end sessions).
/// A token found so once is cached until it expires, unless its session is revoked meanwhile.
/// </summary>
public sealed class VerifyToken(IAccessTokenService tokens, ISessionStore sessions, ITokenCache cache, IFieldProtector protector, TimeProvider time)
{
    public const int MaxTokenLength = 8 * 1024;

    public async Task<TokenStatus> ExecuteAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return TokenStatus.Inactive;
        }

        var now = time.GetUtcNow();
        var hash = protector.AccessToken(token);
        if (await cache.GetAsync(hash, cancellationToken) is { } cached)
        {
            return now < cached.ExpiresAt
                ? new TokenStatus(true, cached.Subject, cached.ExpiresAt, cached.SessionId)
                : TokenStatus.Inactive;
        }

        var claims = await tokens.ValidateAsync(token, now, cancellationToken);
        if (claims is null)
        {
            return TokenStatus.Inactive;
        }

        var session = await sessions.FindSessionAsync(claims.SessionId, cancellationToken);
        if (session is null || !session.IsActive(now) || !string.Equals(session.UserId, claims.Subject, StringComparison.Ordinal))
        {
            return TokenStatus.Inactive;
        }

        // Cached no longer than the token, nor than its session: a cache hit checks nothing else.
        var until = claims.ExpiresAt < session.ExpiresAt ? claims.ExpiresAt : session.ExpiresAt;
        await cache.SetAsync(hash, new CachedToken(claims.Subject, claims.SessionId, until), now, cancellationToken);
        return new TokenStatus(true, claims.Subject, claims.ExpiresAt, claims.SessionId);
    }
}
