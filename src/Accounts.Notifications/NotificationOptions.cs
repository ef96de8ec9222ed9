namespace Accounts.Notifications;

/// <summary>Settings under <c>Accounts:Notifications</c>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Accounts:Notifications";

    /// <summary>How long an outcome is kept for a subscriber that was not listening when it was produced.</summary>
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many outcomes are kept per user, newest first.</summary>
    public int KeepPerUser { get; set; } = 20;

    /// <summary>How long a job ticket (returned by <c>POST /v1/jobs/...</c>) may wait to be redeemed.</summary>
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often a listener that connected with an access token (the SignalR hub) has that token checked again: a
    /// token no longer active (signed out, password changed or reset, account deleted, expired) ends the connection.
    /// </summary>
    public TimeSpan RecheckTokensEvery { get; set; } = TimeSpan.FromMinutes(1);

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

        if (RecheckTokensEvery < TimeSpan.FromSeconds(1) || RecheckTokensEvery > TimeSpan.FromHours(1))
        {
            throw new ArgumentException("must be at least 1 second and at most 1 hour.", nameof(RecheckTokensEvery));
        }
    }
}
