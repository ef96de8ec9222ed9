using System.Collections.Concurrent;

namespace Accounts.Notifications;

/// <summary>
/// Job tickets of one process (no Redis): only the hash of each ticket is kept, with its scope, until it is
/// redeemed or <see cref="NotificationOptions.TicketLifetime"/> passes.
/// </summary>
public sealed class InMemoryJobTickets(NotificationOptions options, TimeProvider time) : IJobTickets
{
    private readonly ConcurrentDictionary<string, Entry> _tickets = new(StringComparer.Ordinal);
    private long _nextSweepTicks;

    public Task<string> IssueAsync(JobTicketScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var now = time.GetUtcNow();
        SweepIfDue(now);
        string ticket;
        do
        {
            ticket = JobTicket.Create();
        }
        while (!_tickets.TryAdd(JobTicket.Hash(ticket), new Entry(scope, now + options.TicketLifetime)));

        return Task.FromResult(ticket);
    }

    public Task<JobTicketScope?> RedeemAsync(string ticket, CancellationToken cancellationToken)
    {
        // Removal is the redemption: of two concurrent redeemers, one gets the entry.
        var scope = JobTicket.IsWellFormed(ticket) && _tickets.TryRemove(JobTicket.Hash(ticket), out var entry) && time.GetUtcNow() < entry.ExpiresAt
            ? entry.Scope
            : null;
        return Task.FromResult(scope);
    }

    /// <summary>Tickets never redeemed would stay for good: once per lifetime, drop the expired ones.</summary>
    private void SweepIfDue(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, (now + options.TicketLifetime).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var (hash, entry) in _tickets)
        {
            if (entry.ExpiresAt <= now)
            {
                _tickets.TryRemove(new KeyValuePair<string, Entry>(hash, entry));
            }
        }
    }

    private sealed record Entry(JobTicketScope Scope, DateTimeOffset ExpiresAt);
}
