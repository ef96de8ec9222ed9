using Accounts.Core.Profiles;

namespace Accounts.Server.Jobs.Operations;

/// <summary>
/// <c>Delete_User</c> {Id, Token}: deletes the account. With an Accounts access token the password is asked
/// (<c>Password</c>), as over HTTP; the gateway's token is its word that it authenticated the user. A missing account
/// is told, not reported as deleted.
/// </summary>
internal sealed class DeleteUserJob(DeleteAccount deleteAccount) : IAccountJob
{
    public string Queue => AccountQueues.DeleteUser;

    public bool OpenBeforeSignIn => false;

    public async Task<JobOutcome> RunAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var result = await deleteAccount.ExecuteAsync(request.Caller.Principal!, request.Data.Text("Password"), null, cancellationToken);
        return result.IsSuccess ? JobOutcome.Done("Successfully deleted") : JobOutcome.From(result.Error!);
    }
}
