using Accounts.Core.Errors;
using Accounts.Core.Users;

namespace Accounts.Server.Jobs.Operations;

/// <summary>
/// <c>Create_User</c> {Id, Username, Phone, Image, Password, Code, Token}: registration with the code sent to the
/// phone. The original's <c>Username</c> is the display name (its <c>Name</c> column); the account's own username is
/// derived from the id (<see cref="Username.ForId"/>).
/// </summary>
internal sealed class CreateUserJob(RegisterUser registerUser) : IAccountJob
{
    public string Queue => AccountQueues.CreateUser;

    public bool OpenBeforeSignIn => true;

    public async Task<JobOutcome> RunAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var data = request.Data;
        var registration = new Registration(
            Username: Username.ForId(request.UserId),
            Password: data.Text("Password"),
            Code: data.Text("Code"),
            Phone: data.Required("Phone"),
            DisplayName: data.Text("Username") is { Length: > 0 } name ? name : null,
            Image: data.Text("Image"),
            Id: request.UserId);
        var result = await registerUser.ExecuteAsync(registration, cancellationToken);
        return result.IsSuccess
            ? JobOutcome.Done("User created successfully")
            : JobOutcome.From(result.Error!, error => error.Code switch
            {
                "invalid_code" => "The verification code is incorrect",
                "id_taken" => "User exists",
                _ => null,
            });
    }
}
