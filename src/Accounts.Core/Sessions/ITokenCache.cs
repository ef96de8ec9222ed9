namespace Accounts.Core.Sessions;

/// <summary>An access token already checked against its session: who it speaks for, until when.</summary>
public sealed record CachedToken(string Subject, string SessionId, DateTimeOffset ExpiresAt);

/// <summary>
/// Verified access tokens, kept by hash until they expire so that most requests skip the signature check and the
/// session read (shared by every process when Redis is configured). Revocation drops them everywhere at once.
/// </summary>
public interface ITokenCache
{
    Task<CachedToken?> GetAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Caches a token whose session was found live at <paramref name="checkedAt"/>. Implementations refuse it when the
    /// session, or every session of the user, was revoked since: a revocation racing this call must win.
    /// </summary>
    Task SetAsync(string tokenHash, CachedToken token, DateTimeOffset checkedAt, CancellationToken cancellationToken);

    /// <summary>Forgets every cached token of the session; called after the session is revoked in the store.</summary>
    Task DropSessionAsync(string sessionId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Forgets every cached token of the user but those of <paramref name="exceptSessionId"/>.</summary>
    Task DropUserAsync(string userId, string? exceptSessionId, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The embedded default: nothing is cached, every check reads the session from the store.</summary>
public sealed class NoTokenCache : ITokenCache
{
    public Task<CachedToken?> GetAsync(string tokenHash, CancellationToken cancellationToken) => Task.FromResult<CachedToken?>(null);

    public Task SetAsync(string tokenHash, CachedToken token, DateTimeOffset checkedAt, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DropSessionAsync(string sessionId, DateTimeOffset now, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DropUserAsync(string userId, string? exceptSessionId, DateTimeOffset now, CancellationToken cancellationToken) => Task.CompletedTask;
}
