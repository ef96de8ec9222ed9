namespace Accounts.Queues;

/// <summary>
/// How a worker runs a queue: Bull's queue settings, with Bull's defaults. The lock and stall settings matter only
/// for Bull on Redis, where workers in other processes (Node or .NET) share the queue.
/// </summary>
public sealed class QueueWorkerOptions
{
    /// <summary>How many jobs run at once (Bull's <c>queue.process(concurrency, ...)</c>; the original used 5).</summary>
    public int Concurrency { get; set; } = 5;

    /// <summary>How long a job's lock lasts without renewal; once it expires the job counts as stalled.</summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a running job's lock is renewed; null means half of <see cref="LockDuration"/>.</summary>
    public TimeSpan? LockRenewTime { get; set; }

    /// <summary>How often active jobs whose lock expired are looked for (one check per interval across all workers).</summary>
    public TimeSpan StalledInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a job may stall and be put back to wait before it fails for good.</summary>
    public int MaxStalledCount { get; set; } = 1;

    /// <summary>The longest wait between two looks at the delayed set (Bull's <c>guardInterval</c>).</summary>
    public TimeSpan GuardInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one blocking wait for a job lasts before it is issued again (Bull's <c>drainDelay</c>).</summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The pause after the queue itself failed (Redis unreachable) before fetching again.</summary>
    public TimeSpan RetryProcessDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// On a forced stop, how long handlers get to end after their token is cancelled; a job whose handler ends by
    /// cancellation is put back to wait, one still running after this is left to the stalled-job check.
    /// </summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(1);

    internal TimeSpan EffectiveLockRenewTime => LockRenewTime ?? LockDuration / 2;

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting at fault.</summary>
    public void Validate()
    {
        if (Concurrency is < 1 or > 1000)
        {
            throw new ArgumentException("Concurrency must be between 1 and 1000.", nameof(Concurrency));
        }

        RequireAtLeast(LockDuration, TimeSpan.FromMilliseconds(10), nameof(LockDuration));
        if (LockRenewTime is { } renew && (renew <= TimeSpan.Zero || renew >= LockDuration))
        {
            throw new ArgumentException("LockRenewTime must be positive and shorter than LockDuration.", nameof(LockRenewTime));
        }

        RequireAtLeast(StalledInterval, TimeSpan.FromMilliseconds(10), nameof(StalledInterval));
        if (MaxStalledCount < 0)
        {
            throw new ArgumentException("MaxStalledCount cannot be negative.", nameof(MaxStalledCount));
        }

        RequireAtLeast(GuardInterval, TimeSpan.FromMilliseconds(10), nameof(GuardInterval));
        RequireAtLeast(DrainDelay, TimeSpan.FromSeconds(1), nameof(DrainDelay));
        if (DrainDelay.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            // Redis before 6.0 takes whole seconds only.
            throw new ArgumentException("DrainDelay must be a whole number of seconds.", nameof(DrainDelay));
        }

        RequireAtLeast(RetryProcessDelay, TimeSpan.FromMilliseconds(10), nameof(RetryProcessDelay));
        if (ShutdownGrace < TimeSpan.Zero)
        {
            throw new ArgumentException("ShutdownGrace cannot be negative.", nameof(ShutdownGrace));
        }
    }

    internal QueueWorkerOptions Clone() => (QueueWorkerOptions)MemberwiseClone();

    private static void RequireAtLeast(TimeSpan value, TimeSpan minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentException($"{name} must be at least {minimum.TotalMilliseconds} ms.", name);
        }
    }
}
