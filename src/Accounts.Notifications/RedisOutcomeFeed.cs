using System.Security.Cryptography;
using System.Text.Json;
using Accounts.Core.Security;
using Accounts.Redis;
using Microsoft.Extensions.Logging;

namespace Accounts.Notifications;

/// <summary>
/// The feed shared by every process on one Redis: an outcome published by any process (a queue worker) reaches the
/// subscribers of every process (the hub connections it serves).
/// <list type="bullet">
/// <item>Publishing is one script: push to the user's list <c>&lt;prefix&gt;outcomes:&lt;index&gt;</c> (newest first,
/// trimmed to <see cref="NotificationOptions.KeepPerUser"/>, expiring <see cref="NotificationOptions.KeepFor"/> after
/// the latest push), then PUBLISH on <c>&lt;prefix&gt;outcomes</c>. The index is the user id's blind index, and both
/// copies are the outcome's JSON encrypted with <see cref="IFieldProtector"/>: a message can hold a phone number or
/// a profile, and Redis is not where personal data may sit in clear.</item>
/// <item>Each process subscribes once, on its first local subscriber, and hands every message to its subscribers. It
/// does not deliver its own outcomes directly: they come back through Redis like everyone else's, so each arrives
/// once. The client subscribes again by itself after a reconnection; what was published while the subscriber
/// connection was down is lost to live listeners (pub/sub stores nothing) but stays in the lists for
/// <see cref="IOutcomeFeed.RecentAsync"/>.</item>
/// </list>
/// </summary>
public sealed class RedisOutcomeFeed : OutcomeFeed, IAsyncDisposable
{
    // KEYS: the user's list. ARGV: the encrypted outcome, how many to keep, for how long (ms), the channel.
    private static readonly RedisScript Publish = new("""
        redis.call('LPUSH', KEYS[1], ARGV[1])
        redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return redis.call('PUBLISH', ARGV[4], ARGV[1])
        """);

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly IRedisClient _redis;
    private readonly NotificationKeys _keys;
    private readonly IFieldProtector _protector;
    private readonly NotificationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private Task? _listen;
    private IAsyncDisposable? _subscription;
    private bool _disposed;

    public RedisOutcomeFeed(IRedisClient redis, string keyPrefix, IFieldProtector protector, NotificationOptions options, TimeProvider time, ILogger<RedisOutcomeFeed> logger)
        : base(logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        _redis = redis;
        _keys = new NotificationKeys(keyPrefix);
        _protector = protector;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>The channel outcomes travel on.</summary>
    public string Channel => _keys.Channel;

    /// <summary>The Redis list that keeps <paramref name="userId"/>'s recent outcomes.</summary>
    public string KeptOutcomesKey(string userId) => _keys.Outcomes(_protector.ComputeIndex("outcomes", userId));

    public override async Task PublishAsync(Outcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var payload = _protector.Protect(OutcomeJson.Serialize(outcome));
        try
        {
            await _redis.EvaluateAsync(
                Publish,
                new RedisValue[] { KeptOutcomesKey(outcome.UserId) },
                new RedisValue[] { payload, _options.KeepPerUser, (long)_options.KeepFor.TotalMilliseconds, _keys.Channel },
                cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // A sink keeps its own failures: the other sinks (Socket.IO) must still get the outcome.
            NotificationsLog.PublishFailed(_logger, outcome.Operation, outcome.JobId, ex);
        }
    }

    public override async Task<IReadOnlyList<Outcome>> RecentAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var items = await _redis.ListRangeAsync(KeptOutcomesKey(userId), 0, _options.KeepPerUser - 1, cancellationToken);
        var now = _time.GetUtcNow();
        var recent = new List<Outcome>(items.Length);
        // The list is newest first; callers get the oldest first.
        for (var i = items.Length - 1; i >= 0; i--)
        {
            if (items[i] is { } item
                && Read(item) is { } outcome
                && string.Equals(outcome.UserId, userId, StringComparison.Ordinal)
                && now - outcome.At < _options.KeepFor)
            {
                recent.Add(outcome);
            }
        }

        return recent;
    }

    public override Task WhenListeningAsync(CancellationToken cancellationToken) => _listening.Task.WaitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Task? listen;
        IAsyncDisposable? subscription;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            listen = _listen;
            subscription = _subscription;
            _subscription = null;
        }

        await _stop.CancelAsync();
        if (listen is not null)
        {
            await listen;
        }

        if (subscription is not null)
        {
            await subscription.DisposeAsync();
        }

        _stop.Dispose();
    }

    private protected override void OnSubscribed()
    {
        lock (_gate)
        {
            if (_listen is null && !_disposed)
            {
                _listen = Task.Run(() => ListenAsync(_stop.Token));
            }
        }
    }

    /// <summary>
    /// Subscribes, trying again until Redis answers (it may be down when the process starts). Once subscribed, the
    /// client keeps the subscription across reconnections itself.
    /// </summary>
    private async Task ListenAsync(CancellationToken stop)
    {
        var delay = FirstRetryDelay;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var subscription = await _redis.SubscribeAsync([RedisChannel.Literal(_keys.Channel)], OnMessageAsync, stop);
                lock (_gate)
                {
                    if (!_disposed)
                    {
                        _subscription = subscription;
                        subscription = null;
                    }
                }

                if (subscription is not null)
                {
                    // Disposed while subscribing.
                    await subscription.DisposeAsync();
                    return;
                }

                NotificationsLog.Subscribed(_logger, _keys.Channel);
                _listening.TrySetResult();
                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                NotificationsLog.SubscribeFailed(_logger, delay, ex);
            }

            try
            {
                await Task.Delay(delay, _time, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = delay * 2 < MaxRetryDelay ? delay * 2 : MaxRetryDelay;
        }
    }

    private async ValueTask OnMessageAsync(RedisMessage message, CancellationToken cancellationToken)
    {
        if (Read(message.PayloadAsString()) is { } outcome)
        {
            await DispatchAsync(outcome);
        }
    }

    private Outcome? Read(string payload)
    {
        try
        {
            return OutcomeJson.Deserialize(_protector.Unprotect(payload));
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            NotificationsLog.UnreadableOutcome(_logger, ex);
            return null;
        }
    }
}
