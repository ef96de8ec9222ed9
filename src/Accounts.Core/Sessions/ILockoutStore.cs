namespace Accounts.Core.Sessions;

public sealed record LockoutState(int Failures, DateTimeOffset? LockedUntil)
{
    public static LockoutState None { get; } = new(0, null);

    public bool IsLocked(DateTimeOffset now) => LockedUntil is { } until && now < until;
}

/// <summary>Consecutive sign-in failures per user, shared by every process that serves the user.</summary>
public interface ILockoutStore
{
    Task<LockoutState> GetAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically counts one failure; the one that reaches <paramref name="threshold"/> locks the account until
    /// now + <paramref name="lockDuration"/> and starts the count again.
    /// </summary>
    Task<LockoutState> RecordFailureAsync(string userId, int threshold, TimeSpan lockDuration, DateTimeOffset now, CancellationToken cancellationToken);

    Task ResetAsync(string userId, CancellationToken cancellationToken);
}
