using System.Text.Json.Nodes;
using Accounts.Core.Sessions;

namespace Accounts.Server.Jobs.Operations;

/// <summary>
/// <c>Verify_User</c> {Id, Password, Token}: the sign-in check, answered as the original did ("The user exist" /
/// "The password is incorrect."), with the same lockout as every sign-in. With
/// <see cref="QueuesOptions.VerifyUserIssuesTokens"/>, a session starts and its tokens go in the job's return value
/// only (a notification may reach an unauthenticated Socket.IO room).
/// </summary>
internal sealed class VerifyUserJob(SignIn signIn, QueuesOptions options) : IAccountJob
{
    public string Queue => AccountQueues.VerifyUser;

    public bool OpenBeforeSignIn => true;

    public async Task<JobOutcome> RunAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var result = await signIn.ExecuteForIdAsync(request.UserId, request.Data.Text("Password"), options.VerifyUserIssuesTokens, null, cancellationToken);
        if (!result.IsSuccess)
        {
            return JobOutcome.From(result.Error!, error => error.Code == "invalid_credentials" ? "The password is incorrect." : null);
        }

        var outcome = JobOutcome.Done("The user exist");
        return result.Value is { } pair
            ? outcome with
            {
                Private = new JsonObject
                {
                    ["Tokens"] = new JsonObject
                    {
                        ["accessToken"] = pair.AccessToken,
                        ["refreshToken"] = pair.RefreshToken,
                        ["tokenType"] = "Bearer",
                        ["expiresIn"] = pair.ExpiresIn,
                    },
                },
            }
            : outcome;
    }
}
