using Accounts.Core.Audit;
using Accounts.Core.Errors;
using Accounts.Core.Services;
using Accounts.Core.Sessions;
using Accounts.Core.Users;

namespace Accounts.Core.Profiles;

/// <summary>
/// Deletes the caller's account after checking their password: the user, its sessions and tokens go; the audit
/// log keeps only that an account with this id was deleted.
/// </summary>
public sealed class DeleteAccount(IUserStore users, ILockoutStore lockouts, ITokenCache cache, PasswordGate passwords, IAuditLog audit, TimeProvider time)
{
    public async Task<Result<Done>> ExecuteAsync(AccountPrincipal principal, string? password, string? clientAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(password) && !principal.IsVouchedByGateway)
        {
            return AccountErrors.Invalid("password", "password_required", "The password is required to delete the account.");
        }

        var user = await users.FindByIdAsync(principal.UserId, cancellationToken);
        if (user is null)
        {
            return AccountErrors.UserNotFound;
        }

        // A gateway vouching for the user did the re-authentication itself; a password it passes on is still checked.
        if (!(principal.IsVouchedByGateway && string.IsNullOrEmpty(password))
            && await passwords.CheckAsync(user, password, AccountErrors.WrongPassword, clientAddress, cancellationToken) is { } error)
        {
            return error;
        }

        if (!await users.DeleteAsync(user.Id, cancellationToken))
        {
            return AccountErrors.UserNotFound;
        }

        var now = time.GetUtcNow();
        await cache.DropUserAsync(user.Id, null, now, cancellationToken);

        // The store deletes what it holds of the user; the lockout may live elsewhere (Redis), so it goes explicitly.
        await lockouts.ResetAsync(user.Id, cancellationToken);
        await audit.WriteAsync(new AuditEvent(now, AuditEvents.Deleted, user.Id, clientAddress), cancellationToken);
        return new Done();
    }
}
