using Accounts.Core.Audit;
using Accounts.Core.Errors;
using Accounts.Core.Security;
using Accounts.Core.Sessions;
using Accounts.Core.Users;

namespace Accounts.Core.Services;

/// <summary>
/// Every check of a user's password goes through here, whatever asks (sign-in, password change, deletion), so
/// each wrong guess counts toward the same lockout and every check is audited.
/// </summary>
public sealed class PasswordGate(
    IPasswordHasher hasher,
    ILockoutStore lockouts,
    IUserStore users,
    IAuditLog audit,
    LockoutOptions options,
    TimeProvider time)
{
    private readonly Lazy<Task<string>> _decoy = new(() => hasher.HashAsync("decoy password for unknown logins", CancellationToken.None));

    /// <summary>Null when the password is the user's; otherwise <paramref name="wrongPassword"/> or the lockout.</summary>
    public async Task<Error?> CheckAsync(UserRecord user, string? password, Error wrongPassword, string? clientAddress, CancellationToken cancellationToken)
    {
        var state = await lockouts.GetAsync(user.Id, cancellationToken);
        var now = time.GetUtcNow();
        if (state.IsLocked(now))
        {
            return AccountErrors.AccountLocked(state.LockedUntil!.Value - now);
        }

        var verification = string.IsNullOrEmpty(password)
            ? PasswordVerification.Failed
            : await hasher.VerifyAsync(user.PasswordHash, password, cancellationToken);

        if (verification == PasswordVerification.Failed)
        {
            state = await lockouts.RecordFailureAsync(user.Id, options.Threshold, options.Duration, now, cancellationToken);
            await audit.WriteAsync(new AuditEvent(now, AuditEvents.SignInFailed, user.Id, clientAddress), cancellationToken);
            if (state.IsLocked(now))
            {
                await audit.WriteAsync(new AuditEvent(now, AuditEvents.Locked, user.Id, clientAddress), cancellationToken);
                return AccountErrors.AccountLocked(state.LockedUntil!.Value - now);
            }

            return wrongPassword;
        }

        if (verification == PasswordVerification.SuccessRehashNeeded)
        {
            var rehashed = await hasher.HashAsync(password!, cancellationToken);
            // Best effort, and without a new version: a profile update racing it may write the old hash back, which
            // still verifies, and the next sign-in rehashes again; bumping the version would fail that update instead.
            await users.UpdateAsync(user with { PasswordHash = rehashed }, user.UpdatedAt, cancellationToken);
        }

        if (state.Failures > 0 || state.LockedUntil is not null)
        {
            await lockouts.ResetAsync(user.Id, cancellationToken);
        }

        return null;
    }

    /// <summary>Spends the time of one verification when there is no user, so that unknown logins do not answer faster.</summary>
    public async Task SpendDecoyAsync(string? password, CancellationToken cancellationToken) =>
        await hasher.VerifyAsync(await _decoy.Value, password ?? string.Empty, cancellationToken);
}
