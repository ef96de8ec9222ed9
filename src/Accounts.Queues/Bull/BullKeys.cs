namespace Accounts.Queues.Bull;

/// <summary>
/// The Redis keys of one Bull queue: <c>{prefix}:{queue}:{type}</c> for the queue's structures and
/// <c>{prefix}:{queue}:{jobId}</c> for a job's hash (its lock is <c>...:{jobId}:lock</c>).
/// </summary>
internal sealed class BullKeys
{
    public BullKeys(string prefix, string queueName)
    {
        Base = $"{prefix}:{queueName}:";
        Wait = Base + "wait";
        Active = Base + "active";
        Paused = Base + "paused";
        MetaPaused = Base + "meta-paused";
        Id = Base + "id";
        Delayed = Base + "delayed";
        Priority = Base + "priority";
        Completed = Base + "completed";
        Failed = Base + "failed";
        Stalled = Base + "stalled";
        StalledCheck = Base + "stalled-check";
        Drained = Base + "drained";
    }

    /// <summary><c>{prefix}:{queue}:</c>; a job's key is this followed by its id.</summary>
    public string Base { get; }

    /// <summary>List of waiting job ids; workers pop from its right end.</summary>
    public string Wait { get; }

    /// <summary>List of the ids of jobs a worker holds.</summary>
    public string Active { get; }

    /// <summary>List that takes the place of <see cref="Wait"/> while the queue is paused.</summary>
    public string Paused { get; }

    /// <summary>Exists while the queue is paused.</summary>
    public string MetaPaused { get; }

    /// <summary>The job id counter.</summary>
    public string Id { get; }

    /// <summary>Sorted set of delayed jobs, scored by due time (ms) × 4096 + the low 12 bits of the id.</summary>
    public string Delayed { get; }

    /// <summary>Sorted set of the prioritised waiting jobs, scored by priority.</summary>
    public string Priority { get; }

    /// <summary>Sorted set of completed jobs, scored by finish time (ms); also the channel of completion events.</summary>
    public string Completed { get; }

    /// <summary>Sorted set of failed jobs, scored by finish time (ms); also the channel of failure events.</summary>
    public string Failed { get; }

    /// <summary>Set of active jobs suspected of stalling since the last check.</summary>
    public string Stalled { get; }

    /// <summary>Exists for one stalled-check interval after a check, so that one worker in all checks per interval.</summary>
    public string StalledCheck { get; }

    /// <summary>Channel: published when a worker finds no job.</summary>
    public string Drained { get; }

    /// <summary>Channel: a job is waiting (<c>{prefix}:{queue}:waiting@{token}</c>).</summary>
    public string WaitingEvent(string token) => Base + "waiting@" + token;

    /// <summary>Channel: a worker took a job (<c>{prefix}:{queue}:active@{token}</c>).</summary>
    public string ActiveEvent(string token) => Base + "active@" + token;

    public string Job(string jobId) => Base + jobId;

    public string Lock(string jobId) => Base + jobId + ":lock";
}
