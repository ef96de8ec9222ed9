using System.Text.Json.Nodes;
using Accounts.Core.Users;
using Accounts.Notifications;
using Accounts.Queues;

namespace Accounts.Server.Jobs;

/// <summary>
/// The queue front door: what every account job has in common, around the operation of its queue. Reads the data,
/// checks the token against the job's <c>Id</c>, runs the operation, then tells the outcome (notification, return
/// value, status book). A bad token or bad data fails the job for good with its reason; an expected answer (wrong
/// code, wrong password) completes with <c>Status: false</c>; an unexpected error fails the run so the job is retried
/// per its <c>attempts</c>, and is notified (<see cref="IAccountJob.FailureMessage"/>) only when no attempt is left.
/// </summary>
internal sealed partial class AccountJobHandler(
    IEnumerable<IAccountJob> operations,
    JobAuthority authority,
    IOutcomePublisher outcomes,
    JobStatusBook statuses,
    TimeProvider time,
    ILogger<AccountJobHandler> logger)
{
    private readonly Dictionary<string, IAccountJob> _operations = operations.ToDictionary(operation => operation.Queue, StringComparer.Ordinal);

    public async Task<JsonNode?> HandleAsync(Job job, CancellationToken cancellationToken)
    {
        if (!_operations.TryGetValue(job.QueueName, out var operation))
        {
            throw new InvalidOperationException($"No operation works the queue '{job.QueueName}'.");
        }

        JobData data;
        string userId;
        try
        {
            data = JobData.Parse(job.Data);
            userId = data.Required("Id");
            if (UserId.Validate(userId) is { } invalid)
            {
                throw new JobDataException("The job's Id: " + invalid.Message);
            }
        }
        catch (JobDataException ex)
        {
            // No valid Id, no room to tell: the failed reason is all there is.
            return await RejectAsync(job, null, ex.Message, cancellationToken);
        }

        JobOutcome outcome;
        try
        {
            var caller = await authority.AuthorizeAsync(job.QueueName, userId, data.Text("Token"), cancellationToken);
            if (caller is null || (caller.Principal is null && !operation.OpenBeforeSignIn))
            {
                Log.TokenRefused(logger, job.QueueName, job.Id);
                outcome = JobOutcome.Reject(JobOutcome.SessionExpired);
            }
            else
            {
                outcome = await operation.RunAsync(new JobRequest(job.QueueName, job.Id, userId, data, caller), cancellationToken);
            }
        }
        catch (JobDataException ex)
        {
            outcome = JobOutcome.Reject(ex.Message);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Retried while attempts remain (the worker does that); the user hears of it once, when none is left.
            var last = job.AttemptsMade + 1 >= job.Options.Attempts || job.IsDiscarded;
            Log.RunFailed(logger, job.QueueName, job.Id, job.AttemptsMade + 1, job.Options.Attempts, ex);
            if (last)
            {
                var failure = new JobOutcome(false, operation.FailureMessage);
                await TellAsync(job, userId, failure, ex.Message, cancellationToken);
            }

            throw;
        }

        if (outcome.Rejected)
        {
            return await RejectAsync(job, userId, outcome.Reason, cancellationToken);
        }

        await TellAsync(job, userId, outcome, null, cancellationToken);
        return outcome.ToReturnValue();
    }

    private async Task<JsonNode?> RejectAsync(Job job, string? userId, string reason, CancellationToken cancellationToken)
    {
        Log.Rejected(logger, job.QueueName, job.Id, reason);
        if (userId is not null)
        {
            await TellAsync(job, userId, new JobOutcome(false, reason), reason, cancellationToken);
        }
        else
        {
            await statuses.RecordAsync(job.QueueName, job.Id, new JobStatus(JobStatusBook.Failed, reason, time.GetUtcNow()), cancellationToken);
        }

        job.Discard();
        throw new JobRejectedException(reason);
    }

    private async Task TellAsync(Job job, string userId, JobOutcome outcome, string? failedReason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await statuses.RecordAsync(
            job.QueueName,
            job.Id,
            new JobStatus(failedReason is null ? JobStatusBook.Completed : JobStatusBook.Failed, failedReason, now),
            cancellationToken);
        if (outcome.Notify)
        {
            await outcomes.PublishAsync(new Outcome(userId, job.QueueName, job.Id, outcome.Status, outcome.Message?.DeepClone(), now), cancellationToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Job {Queue}/{JobId} refused: its token is missing, invalid, or not the job's Id's.")]
        public static partial void TokenRefused(ILogger logger, string queue, string jobId);

        [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Job {Queue}/{JobId} rejected: {Reason}")]
        public static partial void Rejected(ILogger logger, string queue, string jobId, string reason);

        [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Job {Queue}/{JobId} run {Attempt} of {Attempts} failed")]
        public static partial void RunFailed(ILogger logger, string queue, string jobId, int attempt, int attempts, Exception exception);
    }
}
