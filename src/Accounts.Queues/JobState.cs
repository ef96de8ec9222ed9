namespace Accounts.Queues;

/// <summary>Where a job is in its life.</summary>
public enum JobState
{
    /// <summary>The job exists but is in none of the queue's lists (Bull calls this "stuck").</summary>
    Unknown,

    /// <summary>Waiting for a worker (also when the queue is paused).</summary>
    Waiting,

    /// <summary>A worker holds it.</summary>
    Active,

    /// <summary>Waiting for its delay or a retry's backoff to pass.</summary>
    Delayed,

    Completed,

    /// <summary>Failed for good: every attempt failed, it stalled too often, or its handler discarded it.</summary>
    Failed,
}
