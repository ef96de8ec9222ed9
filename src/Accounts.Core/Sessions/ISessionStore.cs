namespace Accounts.Core.Sessions;

public interface ISessionStore
{
    Task CreateAsync(Session session, RefreshToken firstToken, CancellationToken cancellationToken);

    Task<Session?> FindSessionAsync(string sessionId, CancellationToken cancellationToken);

    Task<RefreshToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically marks <paramref name="tokenHash"/> spent and stores <paramref name="replacement"/>; false (and
    /// nothing stored) when the token was already spent, which is how reuse is detected.
    /// </summary>
    Task<bool> TryRotateAsync(string tokenHash, RefreshToken replacement, DateTimeOffset now, CancellationToken cancellationToken);

    Task RevokeAsync(string sessionId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes every session of the user but <paramref name="exceptSessionId"/>.</summary>
    Task RevokeAllAsync(string userId, string? exceptSessionId, DateTimeOffset now, CancellationToken cancellationToken);
}
