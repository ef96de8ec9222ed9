using Accounts.Core.Audit;
using Accounts.Core.Errors;
using Accounts.Core.Security;
using Accounts.Core.Services;

namespace Accounts.Core.Sessions;

/// <summary>
/// Trades a refresh token for a new pair. Each refresh token works once: presenting a spent one means it was
/// stolen or replayed, so its whole session is revoked.
/// </summary>
public sealed class RefreshSession(ISessionStore sessions, ITokenCache cache, IFieldProtector protector, SessionIssuer issuer, IAuditLog audit, TimeProvider time)
{
    private const int MaxTokenLength = 256;

    public async Task<Result<TokenPair>> ExecuteAsync(string? refreshToken, string? clientAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(refreshToken) || refreshToken.Length > MaxTokenLength)
        {
            return AccountErrors.InvalidRefreshToken;
        }

        var now = time.GetUtcNow();
        var hash = protector.RefreshToken(refreshToken);
        var stored = await sessions.FindRefreshTokenAsync(hash, cancellationToken);
        var session = stored is null ? null : await sessions.FindSessionAsync(stored.SessionId, cancellationToken);
        if (stored is null || session is null || !session.IsActive(now))
        {
            return AccountErrors.InvalidRefreshToken;
        }

        if (stored.SpentAt is not null)
        {
            return await RevokeForReuseAsync(session, clientAddress, now, cancellationToken);
        }

        if (now >= stored.ExpiresAt)
        {
            return AccountErrors.InvalidRefreshToken;
        }

        var next = SessionIssuer.NewRefreshToken();
        if (!await sessions.TryRotateAsync(hash, issuer.RefreshTokenFor(next, session, now), now, cancellationToken))
        {
            // Another request spent it between our read and our write: the same token was used twice.
            return await RevokeForReuseAsync(session, clientAddress, now, cancellationToken);
        }

        return issuer.Pair(session.UserId, session.Id, next, now);
    }

    private async Task<Error> RevokeForReuseAsync(Session session, string? clientAddress, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await sessions.RevokeAsync(session.Id, now, cancellationToken);
        await cache.DropSessionAsync(session.Id, now, cancellationToken);
        await audit.WriteAsync(new AuditEvent(now, AuditEvents.RefreshReused, session.UserId, clientAddress), cancellationToken);
        return AccountErrors.InvalidRefreshToken;
    }
}
