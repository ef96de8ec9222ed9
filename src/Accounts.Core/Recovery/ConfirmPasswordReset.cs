using Accounts.Core.Audit;
using Accounts.Core.Errors;
using Accounts.Core.Security;
using Accounts.Core.Services;
using Accounts.Core.Sessions;
using Accounts.Core.Users;
using Accounts.Core.Verification;

namespace Accounts.Core.Recovery;

/// <summary>
/// Sets a new password with a reset code. An unknown login is answered exactly like a wrong code. Every session
/// of the user ends, and the lockout is lifted.
/// </summary>
public sealed class ConfirmPasswordReset(
    UserDirectory directory,
    IUserStore users,
    ISessionStore sessions,
    ITokenCache cache,
    ILockoutStore lockouts,
    IPasswordHasher hasher,
    CodeVerifier codes,
    IAuditLog audit,
    TimeProvider time)
{
    public async Task<Result<Done>> ExecuteAsync(string? login, string? code, string? newPassword, string? clientAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(login))
        {
            return AccountErrors.Invalid("login", "login_required", "A username, email or phone is required.");
        }

        // The policy is checked against what was typed, not what is stored, so its answer cannot tell whether the account exists.
        if (PasswordPolicy.Check(newPassword, login.Trim()) is { } weak)
        {
            return weak with { Field = "newPassword" };
        }

        var user = await directory.FindByLoginAsync(login, cancellationToken);
        if (user is null)
        {
            return AccountErrors.CodeInvalid;
        }

        if (await codes.VerifyAndConsumeAsync(CodePurpose.PasswordReset, [user.EmailIndex, user.PhoneIndex], code, cancellationToken) is { } codeError)
        {
            return codeError;
        }

        var now = time.GetUtcNow();
        var updated = user with { PasswordHash = await hasher.HashAsync(newPassword!, cancellationToken), UpdatedAt = user.NextVersion(now) };
        if (WriteErrors.From(await users.UpdateAsync(updated, user.UpdatedAt, cancellationToken)) is { } writeError)
        {
            return writeError;
        }

        await sessions.RevokeAllAsync(user.Id, null, now, cancellationToken);
        await cache.DropUserAsync(user.Id, null, now, cancellationToken);
        await lockouts.ResetAsync(user.Id, cancellationToken);
        await audit.WriteAsync(new AuditEvent(now, AuditEvents.PasswordReset, user.Id, clientAddress), cancellationToken);
        return new Done();
    }
}
