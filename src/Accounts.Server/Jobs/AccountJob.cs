namespace Accounts.Server.Jobs;

/// <summary>A job as its operation sees it: the account it is about, its fields, and who it acts for.</summary>
internal sealed record JobRequest(string Queue, string JobId, string UserId, JobData Data, JobCaller Caller);

/// <summary>
/// One of the original system's queues, translated to its use case: fields in, <see cref="JobOutcome"/> out. No
/// business rule lives here; <see cref="AccountJobHandler"/> does what is common (data, token, outcome, notification).
/// </summary>
internal interface IAccountJob
{
    string Queue { get; }

    /// <summary>
    /// Whether the job may run without an account session: on a job token of the HTTP door (flows before sign-in)
    /// or a gateway token. Operations on an existing account's data need a session or the gateway's word.
    /// </summary>
    bool OpenBeforeSignIn { get; }

    /// <summary>The message notified when the job fails for good on an unexpected error.</summary>
    string FailureMessage => JobOutcome.ProcessingError;

    Task<JobOutcome> RunAsync(JobRequest request, CancellationToken cancellationToken);
}
