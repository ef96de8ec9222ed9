namespace Accounts.Queues;

/// <summary>
/// How a job is to be run: Bull's job options (<c>queue.add(data, opts)</c>), with Bull's defaults. A job added by
/// Node carries its options in the job itself, and the worker honours them whoever added it.
/// </summary>
public sealed record JobOptions
{
    /// <summary>Bull's name for a job added without one.</summary>
    public const string DefaultName = "__default__";

    /// <summary>The job's name (Bull's <c>queue.add(name, data, opts)</c>); workers here take every name.</summary>
    public string Name { get; init; } = DefaultName;

    /// <summary>How many times the job may run in all before it fails for good: 1 means no retry.</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>How long to wait before each retry; null retries at once.</summary>
    public JobBackoff? Backoff { get; init; }

    /// <summary>How long the job waits in the delayed set before it may run.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>0 for none (the default); otherwise 1 is the highest priority.</summary>
    public int Priority { get; init; }

    /// <summary>True puts the job at the front of the line instead of the back.</summary>
    public bool Lifo { get; init; }

    /// <summary>
    /// A job id of the caller's choosing instead of the queue's counter. Adding a job whose id exists already adds
    /// nothing and returns that id (Bull's de-duplication).
    /// </summary>
    public string? JobId { get; init; }

    /// <summary>After this long a run fails with Bull's message "Promise timed out after N milliseconds".</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Which completed jobs to keep once this one completes; by default every one.</summary>
    public KeepJobs RemoveOnComplete { get; init; } = KeepJobs.All;

    /// <summary>Which failed jobs to keep once this one fails for good; by default every one.</summary>
    public KeepJobs RemoveOnFail { get; init; } = KeepJobs.All;

    /// <summary>How many stack traces a failing job keeps (Bull's <c>stackTraceLimit</c>); null keeps all.</summary>
    public int? StackTraceLimit { get; init; }

    /// <summary>The options the original gateway used: one attempt, and the job removed whether it completes or fails.</summary>
    public static JobOptions RemoveWhenFinished { get; } = new() { RemoveOnComplete = KeepJobs.None, RemoveOnFail = KeepJobs.None };

    /// <summary>Throws <see cref="ArgumentException"/> naming the option at fault.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Name, nameof(Name));
        if (Attempts < 1)
        {
            throw new ArgumentException("Attempts must be at least 1.", nameof(Attempts));
        }

        if (Delay < TimeSpan.Zero)
        {
            throw new ArgumentException("Delay cannot be negative.", nameof(Delay));
        }

        if (Priority < 0)
        {
            throw new ArgumentException("Priority cannot be negative (0 is none, 1 the highest).", nameof(Priority));
        }

        if (JobId is not null && (JobId.Length == 0 || JobId.Any(char.IsControl)))
        {
            throw new ArgumentException("A job id cannot be empty or hold control characters.", nameof(JobId));
        }

        if (Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Timeout must be positive.", nameof(Timeout));
        }

        if (StackTraceLimit is < 0)
        {
            throw new ArgumentException("StackTraceLimit cannot be negative.", nameof(StackTraceLimit));
        }

        Backoff?.Validate();
        RemoveOnComplete.Validate(nameof(RemoveOnComplete));
        RemoveOnFail.Validate(nameof(RemoveOnFail));
    }
}
