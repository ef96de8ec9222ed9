using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Accounts.Redis.PubSub;

/// <summary>
/// One <see cref="IRedisClient.SubscribeAsync"/> call: its channels and handler, and a queue that the subscriber
/// connection's read loop fills and a pump drains, calling the handler one message at a time. A slow handler thus
/// delays only its own messages, never the connection.
/// </summary>
internal sealed class Subscription : IAsyncDisposable
{
    private readonly RedisSubscriber _owner;
    private readonly Func<RedisMessage, CancellationToken, ValueTask> _handler;
    private readonly ILogger _logger;
    private readonly Channel<RedisMessage> _queue = Channel.CreateUnbounded<RedisMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private int _stopped;

    public Subscription(RedisSubscriber owner, IReadOnlyList<RedisChannel> channels, Func<RedisMessage, CancellationToken, ValueTask> handler, ILogger logger)
    {
        _owner = owner;
        Channels = channels;
        _handler = handler;
        _logger = logger;
        _ = PumpAsync();
    }

    public IReadOnlyList<RedisChannel> Channels { get; }

    /// <summary>Called on the read loop: never blocks.</summary>
    public void Post(RedisMessage message) => _queue.Writer.TryWrite(message);

    /// <summary>Stops delivery; false when already stopped.</summary>
    public bool Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return false;
        }

        _stop.Cancel();
        _queue.Writer.TryComplete();
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (Stop())
        {
            await _owner.RemoveAsync(this);
        }
    }

    private async Task PumpAsync()
    {
        // The token source is never disposed: a handler may still hold its token after the subscription ends.
        var stop = _stop.Token;
        await foreach (var message in _queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await _handler(message, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                RedisLog.HandlerFailed(_logger, ex);
            }
        }
    }
}
