namespace Accounts.Core.Security;

public sealed record AccessToken(string Token, string TokenId, DateTimeOffset ExpiresAt);

/// <summary>What a valid access token says about its bearer.</summary>
public sealed record AccessTokenClaims(string Subject, string SessionId, string TokenId, DateTimeOffset ExpiresAt);

/// <summary>Issues and checks signed access tokens (ES256 JWT in production).</summary>
public interface IAccessTokenService
{
    AccessToken Issue(string userId, string sessionId, DateTimeOffset now);

    /// <summary>
    /// Checks signature, key id, issuer, audience and lifetime against <paramref name="now"/>;
    /// null for any token that fails. Says nothing about revocation: that is the use case's job.
    /// </summary>
    Task<AccessTokenClaims?> ValidateAsync(string token, DateTimeOffset now, CancellationToken cancellationToken);
}
