using Accounts.Core.Services;
using Accounts.Core.Verification;

namespace Accounts.Server.Jobs.Operations;

/// <summary><c>Verification</c> {Id, Phone, Token}: a registration code to the phone by WhatsApp, unless the id is taken.</summary>
internal sealed class VerificationJob(UserDirectory directory, RequestVerificationCode requestCode) : IAccountJob
{
    public string Queue => AccountQueues.Verification;

    public bool OpenBeforeSignIn => true;

    public string FailureMessage => "Communication server error";

    public async Task<JobOutcome> RunAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var phone = request.Data.Required("Phone");
        if (await directory.FindByIdAsync(request.UserId, cancellationToken) is not null)
        {
            return JobOutcome.Refused("User exists");
        }

        var result = await requestCode.ExecuteAsync(new VerificationRequest("whatsapp", phone, "register"), cancellationToken);
        return result.IsSuccess ? JobOutcome.Done("The verification code has been sent") : JobOutcome.From(result.Error!);
    }
}
