using Accounts.Core.Audit;
using Accounts.Core.Errors;
using Accounts.Core.Services;

namespace Accounts.Core.Sessions;

/// <summary>Ends the caller's session: its refresh tokens and every access token issued in it stop working.</summary>
public sealed class SignOut(ISessionStore sessions, ITokenCache cache, IAuditLog audit, TimeProvider time)
{
    public async Task<Result<Done>> ExecuteAsync(AccountPrincipal principal, string? clientAddress, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (principal.SessionId is not { } sessionId)
        {
            // A gateway's vouching is not a session of ours: there is nothing here to end.
            return new Done();
        }

        await sessions.RevokeAsync(sessionId, now, cancellationToken);
        await cache.DropSessionAsync(sessionId, now, cancellationToken);
        await audit.WriteAsync(new AuditEvent(now, AuditEvents.SignedOut, principal.UserId, clientAddress), cancellationToken);
        return new Done();
    }
}
