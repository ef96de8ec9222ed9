using Accounts.Core.Recovery;

namespace Accounts.Server.Jobs.Operations;

/// <summary>
/// <c>Recover_Password</c> {Id, Token}: the original sent the password itself by WhatsApp; here a reset code goes to
/// the account's email or phone, to be confirmed with <c>POST /v1/password-resets/confirm</c>. The answer is the same
/// whether or not the id exists.
/// </summary>
internal sealed class RecoverPasswordJob(RequestPasswordReset requestReset) : IAccountJob
{
    public const string Answer = "If the account exists, a password reset code has been sent to its email or phone.";

    public string Queue => AccountQueues.RecoverPassword;

    public bool OpenBeforeSignIn => true;

    public async Task<JobOutcome> RunAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var result = await requestReset.ExecuteForIdAsync(request.UserId, null, cancellationToken);
        return result.IsSuccess ? JobOutcome.Done(Answer) : JobOutcome.From(result.Error!);
    }
}
