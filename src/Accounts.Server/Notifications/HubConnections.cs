using Accounts.Notifications;
using Microsoft.AspNetCore.SignalR;

namespace Accounts.Server.Notifications;

/// <summary>
/// The hub connections of this process, by what they listen to (<see cref="ListenerKeys"/>), and the sending of
/// outcomes to them. Process-local, which is right: every process receives every outcome from the feed and sends
/// it to the connections it holds.
/// <para>
/// Not SignalR groups, because a connection must get each outcome once: while it joins, its kept outcomes are read
/// and sent, and an outcome published meanwhile would reach it both live and as kept (or, read before joining,
/// neither). So a joining connection holds live outcomes back until its kept ones are sent, then sends those not
/// among them.
/// </para>
/// </summary>
internal sealed class HubConnections(IHubContext<NotificationsHub> hub)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Listening[]> _byKey = new(StringComparer.Ordinal);

    /// <summary>Registers a joining connection: live outcomes for it wait until <see cref="Listening.StartAsync"/>.</summary>
    public Listening Add(string connectionId, string key)
    {
        var listening = new Listening(connectionId, key, hub);
        lock (_gate)
        {
            _byKey[key] = _byKey.TryGetValue(key, out var others) ? [.. others, listening] : [listening];
        }

        return listening;
    }

    public void Remove(Listening listening)
    {
        lock (_gate)
        {
            if (_byKey.TryGetValue(listening.Key, out var all))
            {
                Listening[] rest = [.. all.Where(l => l != listening)];
                if (rest.Length == 0)
                {
                    _byKey.Remove(listening.Key);
                }
                else
                {
                    _byKey[listening.Key] = rest;
                }
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="outcome"/> to every connection it concerns. The feed calls this for one outcome at a
    /// time, so each connection gets them in the order they came.
    /// </summary>
    public Task SendAsync(Outcome outcome)
    {
        var targets = new List<Listening>();
        lock (_gate)
        {
            foreach (var key in ListenerKeys.Of(outcome))
            {
                if (_byKey.TryGetValue(key, out var listening))
                {
                    targets.AddRange(listening);
                }
            }
        }

        return Task.WhenAll(targets.Select(target => target.DeliverAsync(outcome)));
    }
}

/// <summary>One connection's delivery: held back while it joins, then live.</summary>
internal sealed class Listening(string connectionId, string key, IHubContext<NotificationsHub> hub)
{
    private readonly Lock _gate = new();
    private List<Outcome>? _waiting = [];

    public string Key { get; } = key;

    public async Task DeliverAsync(Outcome outcome)
    {
        lock (_gate)
        {
            if (_waiting is not null)
            {
                _waiting.Add(outcome);
                return;
            }
        }

        await SendAsync(outcome, CancellationToken.None);
    }

    /// <summary>Sends the kept outcomes, then those that arrived meanwhile and were not among them, then goes live.</summary>
    public async Task StartAsync(IReadOnlyList<Outcome> kept, CancellationToken cancellationToken)
    {
        var sent = new HashSet<(string, string?, bool, DateTimeOffset)>();
        foreach (var outcome in kept)
        {
            sent.Add(Identity(outcome));
            await SendAsync(outcome, cancellationToken);
        }

        while (true)
        {
            List<Outcome> waiting;
            lock (_gate)
            {
                if (_waiting is not { Count: > 0 })
                {
                    // Live from here: DeliverAsync sends directly, after everything this sent.
                    _waiting = null;
                    return;
                }

                waiting = _waiting;
                _waiting = [];
            }

            foreach (var outcome in waiting.Where(o => sent.Add(Identity(o))))
            {
                await SendAsync(outcome, cancellationToken);
            }
        }
    }

    // The same outcome read from Redis twice is two objects: compare what it says. (The user is the key's.)
    private static (string, string?, bool, DateTimeOffset) Identity(Outcome outcome) => (outcome.Operation, outcome.JobId, outcome.Status, outcome.At);

    private Task SendAsync(Outcome outcome, CancellationToken cancellationToken) =>
        hub.Clients.Client(connectionId).SendAsync(OutcomeMessage.EventName, OutcomeMessage.From(outcome), cancellationToken);
}
