using Microsoft.Extensions.Logging;

namespace Accounts.Queues;

/// <summary>
/// Event ids 5000-5099 belong to this project. Messages name the queue, the job id, counts and durations, never a
/// job's data or return value: they hold passwords, codes and tokens.
/// </summary>
internal static partial class QueueLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Worker for queue {Queue} started on {Backend} (concurrency {Concurrency})")]
    public static partial void WorkerStarted(ILogger logger, string queue, string backend, int concurrency);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Worker for queue {Queue} stopped")]
    public static partial void WorkerStopped(ILogger logger, string queue);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "Job {Queue}/{JobId} completed in {Elapsed}")]
    public static partial void JobCompleted(ILogger logger, string queue, string jobId, TimeSpan elapsed);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Job {Queue}/{JobId} failed for good after {AttemptsMade} attempt(s)")]
    public static partial void JobFailed(ILogger logger, string queue, string jobId, int attemptsMade, Exception? error);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Job {Queue}/{JobId} failed attempt {AttemptsMade} of {Attempts}; retrying in {Delay}")]
    public static partial void JobRetrying(ILogger logger, string queue, string jobId, int attemptsMade, int attempts, TimeSpan delay, Exception? error);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning,
        Message = "Lost the lock of job {Queue}/{JobId} ({Result}); the job stalled and may run elsewhere, so this run's outcome is dropped")]
    public static partial void LockLost(ILogger logger, string queue, string jobId, string result);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Job {Queue}/{JobId} put back to wait: the worker is stopping")]
    public static partial void JobReleased(ILogger logger, string queue, string jobId);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning,
        Message = "Job {Queue}/{JobId} still ran {Grace} after its cancellation; left to the stalled-job check")]
    public static partial void JobAbandoned(ILogger logger, string queue, string jobId, TimeSpan grace);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "{Count} stalled job(s) of queue {Queue} put back to wait")]
    public static partial void StalledRecovered(ILogger logger, int count, string queue);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Error, Message = "{Count} job(s) of queue {Queue} stalled more than allowed and failed for good")]
    public static partial void StalledFailed(ILogger logger, int count, string queue);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Error, Message = "Fetching a job from queue {Queue} failed; trying again in {Delay}")]
    public static partial void FetchFailed(ILogger logger, string queue, TimeSpan delay, Exception error);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Renewing the lock of job {Queue}/{JobId} failed; trying again at the next renewal")]
    public static partial void RenewFailed(ILogger logger, string queue, string jobId, Exception error);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error,
        Message = "Recording the outcome of job {Queue}/{JobId} failed; the job stays active until the stalled-job check puts it back")]
    public static partial void FinishFailed(ILogger logger, string queue, string jobId, Exception error);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "Job {Queue}/{JobId} timed out after {Timeout}")]
    public static partial void JobTimedOut(ILogger logger, string queue, string jobId, TimeSpan timeout);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Error, Message = "Moving due delayed jobs of queue {Queue} failed")]
    public static partial void PromoteFailed(ILogger logger, string queue, Exception error);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Error, Message = "The stalled-job check of queue {Queue} failed")]
    public static partial void StalledCheckFailed(ILogger logger, string queue, Exception error);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Debug, Message = "Job {Queue}/{JobId} added")]
    public static partial void JobAdded(ILogger logger, string queue, string jobId);

    [LoggerMessage(EventId = 5017, Level = LogLevel.Warning, Message = "Job {Queue}/{JobId} was taken but no longer exists; skipped")]
    public static partial void JobMissing(ILogger logger, string queue, string jobId);

    [LoggerMessage(EventId = 5018, Level = LogLevel.Warning,
        Message = "Watching queue {Queue} for new delayed jobs failed; delayed jobs are looked at every {GuardInterval} instead")]
    public static partial void WatchFailed(ILogger logger, string queue, TimeSpan guardInterval, Exception error);

    [LoggerMessage(EventId = 5019, Level = LogLevel.Information, Message = "Job {Queue}/{JobId} was discarded by its handler: no retry")]
    public static partial void JobDiscarded(ILogger logger, string queue, string jobId);

    [LoggerMessage(EventId = 5020, Level = LogLevel.Warning, Message = "Worker for queue {Queue} stopped before {Count} job(s) finished")]
    public static partial void StopForced(ILogger logger, string queue, int count);
}
