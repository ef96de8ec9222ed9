using System.Text.Json.Nodes;
using Accounts.Core.Profiles;

namespace Accounts.Server.Jobs.Operations;

/// <summary><c>Read_User</c> {Id, Token}: the profile as the original answered it, <c>{Phone, Name, Image}</c> — never a password.</summary>
internal sealed class ReadUserJob(ReadProfile readProfile) : IAccountJob
{
    public string Queue => AccountQueues.ReadUser;

    public bool OpenBeforeSignIn => false;

    public async Task<JobOutcome> RunAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var result = await readProfile.ExecuteAsync(request.UserId, cancellationToken);
        if (!result.IsSuccess)
        {
            return JobOutcome.From(result.Error!);
        }

        var profile = result.Value;
        return JobOutcome.Done(new JsonObject
        {
            ["Phone"] = profile.Phone,
            ["Name"] = profile.DisplayName ?? profile.Username,
            ["Image"] = profile.Image,
        });
    }
}
