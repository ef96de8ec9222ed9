using Accounts.Core.Audit;
using Accounts.Core.Errors;
using Accounts.Core.Security;
using Accounts.Core.Services;
using Accounts.Core.Users;
using Accounts.Core.Verification;

namespace Accounts.Core.Recovery;

/// <summary>
/// Sends a password reset code to the account's email (or, failing that, its phone by WhatsApp). The answer is
/// the same whether or not the account exists, and whether or not a sending limit held the code back.
/// </summary>
public sealed class RequestPasswordReset(UserDirectory directory, IFieldProtector protector, CodeIssuer issuer, IAuditLog audit, TimeProvider time)
{
    public async Task<Result<Done>> ExecuteAsync(string? login, string? clientAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(login))
        {
            return AccountErrors.Invalid("login", "login_required", "A username, email or phone is required.");
        }

        return await SendAsync(await directory.FindByLoginAsync(login, cancellationToken), clientAddress, cancellationToken);
    }

    /// <summary>The same for an account named by id (the original <c>Recover_Password</c> job); the same answer whatever the id.</summary>
    public async Task<Result<Done>> ExecuteForIdAsync(string? userId, string? clientAddress, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(userId) || UserId.Validate(userId) is not null)
        {
            return AccountErrors.Invalid("id", "invalid_id", "A valid account id is required.");
        }

        return await SendAsync(await directory.FindByIdAsync(userId, cancellationToken), clientAddress, cancellationToken);
    }

    private async Task<Result<Done>> SendAsync(UserRecord? user, string? clientAddress, CancellationToken cancellationToken)
    {
        if (user is null)
        {
            return new Done();
        }

        var (channel, cipher) = user.EmailCipher is not null
            ? (DeliveryChannel.Email, user.EmailCipher)
            : (DeliveryChannel.WhatsApp, user.PhoneCipher);
        if (cipher is not null)
        {
            // A refusal by the sending limits is deliberately not told: it would say the account exists. So is a
            // delivery failure (an unknown login cannot fail to deliver); it goes to the audit log instead.
            string? failure = null;
            try
            {
                await issuer.IssueAsync(CodePurpose.PasswordReset, channel, protector.Unprotect(cipher), clientAddress, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failure = "delivery failed: " + ex.GetType().Name;
            }

            await audit.WriteAsync(new AuditEvent(time.GetUtcNow(), AuditEvents.PasswordResetRequested, user.Id, clientAddress, failure), cancellationToken);
        }

        return new Done();
    }
}
