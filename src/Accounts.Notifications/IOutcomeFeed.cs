namespace Accounts.Notifications;

/// <summary>
/// The outcomes produced anywhere (this process, or any process sharing Redis), as the SignalR hub reads them:
/// live, and the recent ones kept for a short while (<see cref="NotificationOptions.KeepFor"/>) so that an outcome
/// produced while nobody listened is delivered on subscribe.
/// </summary>
public interface IOutcomeFeed
{
    /// <summary>Calls <paramref name="onOutcome"/> for every outcome from now on, until the result is disposed.</summary>
    IDisposable Subscribe(Func<Outcome, Task> onOutcome);

    /// <summary>The kept outcomes of <paramref name="userId"/>, oldest first.</summary>
    Task<IReadOnlyList<Outcome>> RecentAsync(string userId, CancellationToken cancellationToken);
}

/// <summary>What a one-time ticket lets its holder hear: the outcome of one job.</summary>
public sealed record JobTicketScope(string Operation, string JobId, string UserId);

/// <summary>
/// One-time tickets for flows before an account exists (<c>POST /v1/jobs/Verification</c>): a ticket subscribes to
/// its job's outcome only, once, for a short while.
/// </summary>
public interface IJobTickets
{
    Task<string> IssueAsync(JobTicketScope scope, CancellationToken cancellationToken);

    /// <summary>The ticket's scope, and the ticket is spent; null for an unknown, spent or expired ticket.</summary>
    Task<JobTicketScope?> RedeemAsync(string ticket, CancellationToken cancellationToken);
}
