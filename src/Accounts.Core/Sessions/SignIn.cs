using Accounts.Core.Audit;
using Accounts.Core.Errors;
using Accounts.Core.Services;
using Accounts.Core.Users;

namespace Accounts.Core.Sessions;

public sealed record SignInRequest(string? Login, string? Password, string? ClientAddress = null);

/// <summary>
/// Signs a user in with a username, email or phone and a password. Unknown logins and wrong passwords get the
/// same answer, in about the same time; repeated failures lock the account for a while.
/// </summary>
public sealed class SignIn(UserDirectory directory, PasswordGate passwords, SessionIssuer issuer, IAuditLog audit, TimeProvider time)
{
    public async Task<Result<TokenPair>> ExecuteAsync(SignInRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Login) || string.IsNullOrEmpty(request.Password))
        {
            return AccountErrors.Invalid("login", "credentials_required", "A login and a password are required.");
        }

        var user = await directory.FindByLoginAsync(request.Login, cancellationToken);
        if (user is null)
        {
            await passwords.SpendDecoyAsync(request.Password, cancellationToken);
            await audit.WriteAsync(new AuditEvent(time.GetUtcNow(), AuditEvents.SignInFailed, null, request.ClientAddress, "unknown login"), cancellationToken);
            return AccountErrors.InvalidCredentials;
        }

        if (await passwords.CheckAsync(user, request.Password, AccountErrors.InvalidCredentials, request.ClientAddress, cancellationToken) is { } error)
        {
            return error;
        }

        var pair = await issuer.StartAsync(user.Id, cancellationToken);
        await audit.WriteAsync(new AuditEvent(time.GetUtcNow(), AuditEvents.SignedIn, user.Id, request.ClientAddress), cancellationToken);
        return pair;
    }

    /// <summary>
    /// The same check for a user named by id (the original <c>Verify_User</c> job): an unknown id and a wrong password
    /// answer alike, failures count toward the lockout. A session starts only when <paramref name="startSession"/>;
    /// otherwise the result holds no tokens (null).
    /// </summary>
    public async Task<Result<TokenPair?>> ExecuteForIdAsync(string? userId, string? password, bool startSession, string? clientAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(userId) || string.IsNullOrEmpty(password))
        {
            return AccountErrors.Invalid("password", "credentials_required", "An id and a password are required.");
        }

        var user = UserId.Validate(userId) is null ? await directory.FindByIdAsync(userId, cancellationToken) : null;
        if (user is null)
        {
            await passwords.SpendDecoyAsync(password, cancellationToken);
            await audit.WriteAsync(new AuditEvent(time.GetUtcNow(), AuditEvents.SignInFailed, null, clientAddress, "unknown id"), cancellationToken);
            return AccountErrors.InvalidCredentials;
        }

        if (await passwords.CheckAsync(user, password, AccountErrors.InvalidCredentials, clientAddress, cancellationToken) is { } error)
        {
            return error;
        }

        if (!startSession)
        {
            return Result<TokenPair?>.Success(null);
        }

        var pair = await issuer.StartAsync(user.Id, cancellationToken);
        await audit.WriteAsync(new AuditEvent(time.GetUtcNow(), AuditEvents.SignedIn, user.Id, clientAddress), cancellationToken);
        return pair;
    }
}
