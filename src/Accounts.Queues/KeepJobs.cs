namespace Accounts.Queues;

/// <summary>
/// Which finished jobs a queue keeps once a job finishes: Bull's <c>removeOnComplete</c>/<c>removeOnFail</c>, which
/// are <c>false</c> (keep all), <c>true</c> (remove this job), a number (keep that many of the newest) or
/// <c>{age, count}</c> (keep those finished within <c>age</c> seconds, and at most <c>count</c>).
/// </summary>
public readonly record struct KeepJobs
{
    private KeepJobs(int? count, TimeSpan? age)
    {
        Count = count;
        Age = age;
    }

    /// <summary>How many of the newest finished jobs to keep; null for no limit, 0 to remove the job at once.</summary>
    public int? Count { get; }

    /// <summary>Keep only jobs that finished within this long; null for no limit (Bull counts it in whole seconds).</summary>
    public TimeSpan? Age { get; }

    /// <summary>Keep every finished job (Bull's default, <c>false</c>).</summary>
    public static KeepJobs All => default;

    /// <summary>Remove the job as soon as it finishes (<c>true</c>).</summary>
    public static KeepJobs None => new(0, null);

    /// <summary>Keep the newest <paramref name="count"/> finished jobs (a number).</summary>
    public static KeepJobs Last(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new KeepJobs(count, null);
    }

    /// <summary>Keep the jobs that finished within <paramref name="age"/>, and at most <paramref name="count"/> of them (<c>{age, count}</c>).</summary>
    public static KeepJobs Within(TimeSpan age, int? count = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(age, TimeSpan.Zero);
        if (count is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(limit, nameof(count));
        }

        return new KeepJobs(count, age);
    }

    /// <summary>True when the finishing job itself is removed.</summary>
    public bool RemovesAtOnce => Count == 0;

    public bool KeepsAll => Count is null && Age is null;

    internal void Validate(string name)
    {
        if (Count is < 0 || Age < TimeSpan.Zero)
        {
            throw new ArgumentException("A count or age of jobs to keep cannot be negative.", name);
        }
    }
}
