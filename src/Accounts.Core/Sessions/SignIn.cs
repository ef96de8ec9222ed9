using Accounts.Core.Audit;
using Accounts.Core.Errors;
using Accounts.Core.Services;

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
}
