using System.Buffers.Text;
using System.Security.Cryptography;
using Accounts.Core.Security;
using Accounts.Core.Sessions;

namespace Accounts.Core.Services;

/// <summary>Starts sessions and hands out token pairs: a signed access token and an opaque refresh token stored only as a keyed hash.</summary>
public sealed class SessionIssuer(ISessionStore sessions, IAccessTokenService tokens, IFieldProtector protector, TokenOptions options, TimeProvider time)
{
    public async Task<TokenPair> StartAsync(string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var session = new Session(Guid.CreateVersion7(now).ToString("N"), userId, now, now + options.SessionLifetime);
        var refresh = NewRefreshToken();
        await sessions.CreateAsync(session, RefreshTokenFor(refresh, session, now), cancellationToken);
        return Pair(userId, session.Id, refresh, now);
    }

    internal static string NewRefreshToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    internal RefreshToken RefreshTokenFor(string token, Session session, DateTimeOffset now)
    {
        var expires = now + options.RefreshTokenLifetime;
        return new RefreshToken(protector.RefreshToken(token), session.Id, now, expires < session.ExpiresAt ? expires : session.ExpiresAt);
    }

    internal TokenPair Pair(string userId, string sessionId, string refreshToken, DateTimeOffset now)
    {
        var access = tokens.Issue(userId, sessionId, now);
        return new TokenPair(access.Token, refreshToken, access.ExpiresAt, (int)Math.Ceiling((access.ExpiresAt - now).TotalSeconds));
    }
}

/// <summary>What a successful sign-in or refresh answers.</summary>
public sealed record TokenPair(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt, int ExpiresIn);
