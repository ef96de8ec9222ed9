using Accounts.Core.Services;
using Accounts.Core.Verification;

namespace Accounts.Server.Jobs.Operations;

/// <summary>
/// <c>Verification</c> {Id, Phone, Token}: a registration code to the phone by WhatsApp, unless the id is taken. As in
/// the original, the job hands the request over (the outbox, then the bus: Kafka's topic <c>Verification</c>) and the
/// code sender notifies "The verification code has been sent".
/// </summary>
internal sealed class VerificationJob(RequestVerificationCode requestCode) : IAccountJob
{
    public const string Requested = "The verification code has been requested";

    public string Queue => AccountQueues.Verification;

    public bool OpenBeforeSignIn => true;

    public string FailureMessage => "Communication server error";

    public async Task<JobOutcome> RunAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var phone = request.Data.Required("Phone");
        var result = await requestCode.ExecuteAsync(
            new VerificationRequest("whatsapp", phone, "register", Requester: new CodeRequester(request.UserId, request.JobId)),
            cancellationToken);

        // The request is in the outbox; the code sender tells <Id>_Verification when the code is out (or cannot be).
        return result.IsSuccess
            ? JobOutcome.Done(Requested) with { Notify = false }
            : JobOutcome.From(result.Error!, error => error.Code == "id_taken" ? "User exists" : null);
    }
}
