using System.Text;
using Accounts.Redis.Connections;
using Microsoft.Extensions.Logging;

namespace Accounts.Redis.PubSub;

/// <summary>
/// The subscriber connection. Which channels and patterns the server should send is kept here, counted by
/// subscription, so that each is subscribed once, unsubscribed when its last subscription goes, and subscribed
/// again on every new connection. Each SUBSCRIBE names one channel, so that every command gets exactly one
/// confirmation and confirmations pair with commands in order like any other reply; messages are told apart by
/// their shape and go to the subscriptions instead.
/// </summary>
internal sealed class RedisSubscriber : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ChannelState> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ChannelState> _patterns = new(StringComparer.Ordinal);
    private readonly ResilientConnection _connection;
    private readonly RedisOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>The connection that the subscriptions in the maps have been (or are being) sent on.</summary>
    private RedisConnection? _current;

    public RedisSubscriber(RedisOptions options, ILogger logger, TimeProvider time)
    {
        _options = options;
        _logger = logger;
        _time = time;
        _connection = new ResilientConnection(options, "subscriber", logger, time, TryHandleMessage, ResubscribeAsync);
        _connection.Start();
    }

    public async Task<IAsyncDisposable> SubscribeAsync(
        IReadOnlyCollection<RedisChannel> channels,
        Func<RedisMessage, CancellationToken, ValueTask> handler,
        CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var subscription = new Subscription(this, [.. channels.Distinct()], handler, _logger);
        var confirmations = new List<Task<RedisResult>>();
        RedisConnection? sentOn;
        var waitForConnection = false;
        lock (_gate)
        {
            sentOn = _current is { IsClosed: false } current ? current : null;
            foreach (var channel in subscription.Channels)
            {
                var map = channel.IsPattern ? _patterns : _channels;
                if (map.TryGetValue(channel.Name, out var state))
                {
                    state.Subscribers = [.. state.Subscribers, subscription];
                }
                else
                {
                    state = new ChannelState([subscription]);
                    map[channel.Name] = state;
                    state.Confirmation = sentOn?.TrySend(channel.IsPattern ? "PSUBSCRIBE" : "SUBSCRIBE", [channel.Name]);
                }

                if (state.Confirmation is { } confirmation)
                {
                    confirmations.Add(confirmation);
                }
                else
                {
                    // Not connected: the next connection subscribes to everything in the maps before it is used.
                    waitForConnection = true;
                }
            }
        }

        try
        {
            foreach (var confirmation in confirmations)
            {
                waitForConnection |= !await ConfirmAsync(confirmation, sentOn, started, cancellationToken);
            }

            if (waitForConnection)
            {
                await _connection.WaitForConnectionAsync(started, cancellationToken);
            }
        }
        catch
        {
            await subscription.DisposeAsync();
            throw;
        }

        return subscription;
    }

    public async Task RemoveAsync(Subscription subscription)
    {
        var confirmations = new List<Task<RedisResult>>();
        RedisConnection? sentOn;
        lock (_gate)
        {
            sentOn = _current is { IsClosed: false } current ? current : null;
            foreach (var channel in subscription.Channels)
            {
                var map = channel.IsPattern ? _patterns : _channels;
                if (!map.TryGetValue(channel.Name, out var state))
                {
                    continue;
                }

                state.Subscribers = [.. state.Subscribers.Where(s => s != subscription)];
                if (state.Subscribers.Length == 0)
                {
                    map.Remove(channel.Name);
                    if (sentOn?.TrySend(channel.IsPattern ? "PUNSUBSCRIBE" : "UNSUBSCRIBE", [channel.Name]) is { } confirmation)
                    {
                        confirmations.Add(confirmation);
                    }
                }
            }
        }

        var started = _time.GetTimestamp();
        foreach (var confirmation in confirmations)
        {
            try
            {
                await ConfirmAsync(confirmation, sentOn, started, CancellationToken.None);
            }
            catch (Exception ex)
            {
                RedisLog.UnsubscribeFailed(_logger, _connection.Endpoint, ex);
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Subscription[] subscriptions;
        lock (_gate)
        {
            subscriptions = [.. _channels.Values.Concat(_patterns.Values).SelectMany(state => state.Subscribers).Distinct()];
            _channels.Clear();
            _patterns.Clear();
        }

        foreach (var subscription in subscriptions)
        {
            subscription.Stop();
        }

        await _connection.DisposeAsync();
    }

    /// <summary>
    /// Waits for a (P)SUBSCRIBE or (P)UNSUBSCRIBE confirmation: true when confirmed, false when the connection was
    /// lost first (the next connection then sets up the current state anyway).
    /// </summary>
    private async Task<bool> ConfirmAsync(Task<RedisResult> confirmation, RedisConnection? sentOn, long started, CancellationToken cancellationToken)
    {
        RedisResult reply;
        try
        {
            var remaining = _options.CommandTimeout - _time.GetElapsedTime(started);
            reply = await confirmation.WaitAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _time, cancellationToken);
        }
        catch (RedisConnectionException)
        {
            return false;
        }
        catch (TimeoutException) when (!confirmation.IsCompleted)
        {
            var error = new RedisTimeoutException(
                $"Redis at {_connection.Endpoint} did not confirm a subscription change within {_options.CommandTimeout}; the subscriber connection was dropped and is being replaced.");
            sentOn?.Abort(error);
            throw error;
        }

        return reply.Kind == RedisResultKind.Error ? throw new RedisServerException(reply.AsString()!) : true;
    }

    /// <summary>Runs on each new subscriber connection before it is published: subscribes to everything wanted now.</summary>
    private async Task ResubscribeAsync(RedisConnection connection, CancellationToken cancellationToken)
    {
        var confirmations = new List<Task<RedisResult>>();
        lock (_gate)
        {
            _current = connection;
            Send(_channels, "SUBSCRIBE");
            Send(_patterns, "PSUBSCRIBE");
        }

        foreach (var confirmation in confirmations)
        {
            var reply = await confirmation.WaitAsync(cancellationToken);
            if (reply.Kind == RedisResultKind.Error)
            {
                throw new RedisServerException(reply.AsString()!);
            }
        }

        if (confirmations.Count > 0)
        {
            RedisLog.Resubscribed(_logger, confirmations.Count, _connection.Endpoint);
        }

        void Send(Dictionary<string, ChannelState> map, string command)
        {
            foreach (var (name, state) in map)
            {
                state.Confirmation = connection.TrySend(command, [name])
                    ?? throw new RedisConnectionException($"The subscriber connection to {_connection.Endpoint} closed while subscribing.", mayHaveExecuted: false);
                confirmations.Add(state.Confirmation);
            }
        }
    }

    /// <summary>Claims <c>message</c> and <c>pmessage</c> pushes (called on the read loop; must not block).</summary>
    private bool TryHandleMessage(RedisResult reply)
    {
        if (reply.Kind != RedisResultKind.Array || reply.AsArray() is not { Count: 3 or 4 } items || items[0].Kind != RedisResultKind.BulkString)
        {
            return false;
        }

        var kind = items[0].AsBytes()!;
        string? pattern = null;
        string channel;
        byte[]? payload;
        ChannelState? state;
        if (items.Count == 3 && kind.AsSpan().SequenceEqual("message"u8))
        {
            channel = Text(items[1]);
            payload = items[2].AsBytes();
            lock (_gate)
            {
                _channels.TryGetValue(channel, out state);
            }
        }
        else if (items.Count == 4 && kind.AsSpan().SequenceEqual("pmessage"u8))
        {
            pattern = Text(items[1]);
            channel = Text(items[2]);
            payload = items[3].AsBytes();
            lock (_gate)
            {
                _patterns.TryGetValue(pattern, out state);
            }
        }
        else
        {
            return false;
        }

        if (state is not null)
        {
            var message = new RedisMessage(channel, pattern, payload ?? []);
            foreach (var subscription in state.Subscribers)
            {
                subscription.Post(message);
            }
        }

        return true;

        static string Text(RedisResult item) => item.AsBytes() is { } bytes ? Encoding.UTF8.GetString(bytes) : "";
    }

    /// <summary>Who listens on one channel or pattern, and the confirmation of its latest SUBSCRIBE.</summary>
    private sealed class ChannelState(Subscription[] subscribers)
    {
        /// <summary>Replaced, never changed in place: the read loop may be iterating the previous array.</summary>
        public Subscription[] Subscribers { get; set; } = subscribers;

        public Task<RedisResult>? Confirmation { get; set; }
    }
}
