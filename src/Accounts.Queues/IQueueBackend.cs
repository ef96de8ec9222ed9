using System.Text.Json.Nodes;

namespace Accounts.Queues;

/// <summary>
/// What a <see cref="QueueWorker"/> needs from the store that carries one queue (Bull on Redis, or this process). The
/// worker decides (concurrency, retries, backoff, timeouts, shutdown); the backend moves jobs between states.
/// </summary>
internal interface IQueueBackend : IAsyncDisposable
{
    /// <summary>False for a store that lives and dies with this process: no locks to renew, nothing can stall.</summary>
    bool UsesLocks { get; }

    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes the next job, waiting up to <paramref name="wait"/> for one; null when none came. Once a job has been
    /// taken the call completes even if <paramref name="cancellationToken"/> fires, so that no job is lost in between.
    /// The token fires only when the worker stops for good: the backend may close what it waits on.
    /// </summary>
    Task<Job?> TakeAsync(TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>False when the lock is lost (the job stalled and may be running elsewhere).</summary>
    Task<bool> ExtendLockAsync(Job job, TimeSpan lockDuration, CancellationToken cancellationToken);

    Task<FinishResult> CompleteAsync(Job job, JsonNode? returnValue, CancellationToken cancellationToken);

    Task<FinishResult> FailAsync(Job job, JobFailure failure, CancellationToken cancellationToken);

    /// <summary>Puts a held job back at the front of the line without counting an attempt.</summary>
    Task<FinishResult> ReleaseAsync(Job job, CancellationToken cancellationToken);

    /// <summary>Moves due delayed jobs to wait; returns when the next one is due, or null when none is delayed.</summary>
    Task<DateTimeOffset?> PromoteDelayedAsync(CancellationToken cancellationToken);

    Task<StalledJobs> CheckStalledAsync(TimeSpan interval, int maxStalledCount, CancellationToken cancellationToken);

    /// <summary>Calls <paramref name="onChanged"/> whenever a job is delayed (by anyone), so the delay timer can be moved earlier.</summary>
    Task<IAsyncDisposable> WatchDelayedAsync(Action onChanged, CancellationToken cancellationToken);
}

internal enum FinishResult
{
    Done,

    /// <summary>The job no longer exists.</summary>
    Missing,

    /// <summary>This worker no longer holds the job's lock: it stalled, and may be running elsewhere.</summary>
    LockLost,

    /// <summary>The job is no longer active.</summary>
    NotActive,
}

/// <summary>A failed run: what to record, and whether (and when) the job runs again.</summary>
/// <param name="AttemptsMade">Failed runs so far, this one included.</param>
/// <param name="Stacktrace">Stack traces of the failed runs, oldest first, within the job's limit.</param>
/// <param name="RetryAt">When the job may run again (now or later); null when it fails for good.</param>
internal sealed record JobFailure(string Reason, int AttemptsMade, IReadOnlyList<string> Stacktrace, DateTimeOffset? RetryAt);

/// <summary>What a stalled-jobs check did.</summary>
internal sealed record StalledJobs(IReadOnlyList<string> Failed, IReadOnlyList<string> Recovered)
{
    public static StalledJobs None { get; } = new([], []);
}
