namespace Accounts.Notifications;

/// <summary>Settings under <c>Accounts:Notifications</c>.</summary>
public sealed class NotificationOptions
{
    /// <summary>How long an outcome is kept for a subscriber that was not listening when it was produced.</summary>
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many outcomes are kept per user, newest first.</summary>
    public int KeepPerUser { get; set; } = 20;

    /// <summary>How long a job ticket (returned by <c>POST /v1/jobs/...</c>) may wait to be redeemed.</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public void Validate()
    {
        if (KeepFor <= TimeSpan.Zero || KeepFor > TimeSpan.FromDays(1))
        {
            throw new ArgumentException("must be more than 0 and at most 1 day.", nameof(KeepFor));
        }

        if (KeepPerUser is < 1 or > 1000)
        {
            throw new ArgumentException("must be 1 to 1000.", nameof(KeepPerUser));
        }

        if (TicketLifetime <= TimeSpan.Zero || TicketLifetime > TimeSpan.FromHours(1))
        {
            throw new ArgumentException("must be more than 0 and at most 1 hour.", nameof(TicketLifetime));
        }
    }
}
