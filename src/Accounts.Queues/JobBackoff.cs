namespace Accounts.Queues;

/// <summary>Bull's two built-in backoff strategies.</summary>
public enum BackoffType
{
    /// <summary>The same delay before every retry.</summary>
    Fixed,

    /// <summary><c>round((2^attemptsMade - 1) × delay)</c>: delay, 3 × delay, 7 × delay, ...</summary>
    Exponential,
}

/// <summary>How long to wait before retrying a failed job (Bull's <c>backoff</c> option).</summary>
public sealed record JobBackoff(BackoffType Type, TimeSpan Delay)
{
    public static JobBackoff Fixed(TimeSpan delay) => new(BackoffType.Fixed, delay);

    public static JobBackoff Exponential(TimeSpan delay) => new(BackoffType.Exponential, delay);

    /// <summary>
    /// The wait before the next run, after <paramref name="attemptsMade"/> failed runs (counting the one that just
    /// failed), computed to the millisecond as Bull does.
    /// </summary>
    public TimeSpan DelayAfter(int attemptsMade)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attemptsMade, 1);
        var milliseconds = Math.Round(Delay.TotalMilliseconds);
        return Type switch
        {
            BackoffType.Exponential => TimeSpan.FromMilliseconds(
                Math.Min(Math.Round((Math.Pow(2, attemptsMade) - 1) * milliseconds, MidpointRounding.AwayFromZero), TimeSpan.MaxValue.TotalMilliseconds / 2)),
            _ => TimeSpan.FromMilliseconds(milliseconds),
        };
    }

    internal void Validate()
    {
        if (Delay < TimeSpan.Zero)
        {
            throw new ArgumentException("A backoff delay cannot be negative.", nameof(JobOptions.Backoff));
        }

        if (!Enum.IsDefined(Type))
        {
            throw new ArgumentException("Unknown backoff type.", nameof(JobOptions.Backoff));
        }
    }
}
