namespace Accounts.Notifications;

/// <summary>
/// The names notifications use in Redis, under the service's key prefix (<c>Accounts:RedisKeyPrefix</c>, default
/// <c>accounts:</c>), next to the keys of <c>Accounts.Storage.Redis</c>.
/// </summary>
internal sealed class NotificationKeys(string prefix)
{
    public string Prefix { get; } = prefix;

    /// <summary>The pub/sub channel every process publishes outcomes on and listens to.</summary>
    public string Channel => $"{Prefix}outcomes";

    /// <summary>A list of one user's recent outcomes, newest first; <paramref name="userIndex"/> is a blind index.</summary>
    public string Outcomes(string userIndex) => $"{Prefix}outcomes:{userIndex}";

    public string Ticket(string ticketHash) => $"{Prefix}job-ticket:{ticketHash}";
}
