using Accounts.Core.Profiles;

namespace Accounts.Server.Jobs.Operations;

/// <summary>
/// <c>Update_User</c> {Id, Username, Phone, Image, Password, Token}: the original updated all four freely. Here the
/// same rules as every door hold: <c>Username</c> is the display name; a phone other than the current one needs the
/// change-contact code sent to it (<c>Code</c>); a new password needs <c>CurrentPassword</c> unless the gateway vouches
/// for the user. Empty <c>Phone</c> or <c>Password</c> changes nothing; an empty <c>Image</c> removes the image.
/// </summary>
internal sealed class UpdateUserJob(UpdateProfile updateProfile) : IAccountJob
{
    public string Queue => AccountQueues.UpdateUser;

    public bool OpenBeforeSignIn => false;

    public async Task<JobOutcome> RunAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var data = request.Data;
        var changes = new ProfileChanges(
            DisplayName: data.Text("Username"),
            Image: data.Text("Image"),
            Phone: data.Text("Phone") is { Length: > 0 } phone ? phone : null,
            Code: data.Text("Code"),
            Password: data.Text("Password") is { Length: > 0 } password ? password : null,
            CurrentPassword: data.Text("CurrentPassword"));
        var result = await updateProfile.ExecuteAsync(request.Caller.Principal!, changes, null, cancellationToken);
        return result.IsSuccess
            ? JobOutcome.Done("User updated successfully")
            : JobOutcome.From(result.Error!, error => error.Code == "invalid_code" ? "The verification code is incorrect" : null);
    }
}
