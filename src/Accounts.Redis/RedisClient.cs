using System.Collections.Concurrent;
using Accounts.Redis.Connections;
using Accounts.Redis.PubSub;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Accounts.Redis;

/// <summary>
/// The RESP2 implementation of <see cref="IRedisClient"/>: one shared multiplexed connection for commands, one
/// subscriber connection opened on the first subscription, and dedicated connections on request. Construction
/// starts connecting in the background and never throws for an unreachable server: commands wait for the
/// connection up to <see cref="RedisOptions.CommandTimeout"/>. <see cref="ConnectAsync"/> waits for it instead.
/// </summary>
public sealed class RedisClient : IRedisClient
{
    private readonly RedisOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ResilientConnection _shared;
    private readonly ConcurrentDictionary<DedicatedConnection, byte> _dedicated = new();
    private readonly Lock _gate = new();
    private RedisSubscriber? _subscriber;
    private bool _disposed;

    /// <exception cref="ArgumentException">An option is out of range (<see cref="RedisOptions.Validate"/>).</exception>
    public RedisClient(RedisOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisClient>();
        _time = timeProvider ?? TimeProvider.System;
        _shared = new ResilientConnection(_options, "shared", _logger, _time);
        _shared.Start();
    }

    /// <summary>Creates a client and waits until its shared connection is up (at most the command timeout).</summary>
    /// <exception cref="RedisConnectionException">Not connected in time; the client has been disposed.</exception>
    public static async Task<RedisClient> ConnectAsync(
        RedisOptions options,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        var client = new RedisClient(options, loggerFactory, timeProvider);
        try
        {
            await client._shared.WaitForConnectionAsync(client._time.GetTimestamp(), cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>The endpoint (<c>host:port</c>) this client talks to.</summary>
    public string Endpoint => _options.Endpoint;

    public Task<RedisResult> ExecuteAsync(string command, ReadOnlyMemory<RedisValue> args, CancellationToken cancellationToken = default)
    {
        CommandRules.EnsureAllowedOnShared(command, args.Span);
        return _shared.ExecuteAsync(command, args, _options.CommandTimeout, abortOnCancel: false, cancellationToken);
    }

    public Task<RedisResult> EvaluateAsync(RedisScript script, ReadOnlyMemory<RedisValue> keys = default, ReadOnlyMemory<RedisValue> args = default, CancellationToken cancellationToken = default) =>
        ScriptRunner.EvaluateAsync(this, script, keys, args, cancellationToken);

    public Task<IAsyncDisposable> SubscribeAsync(
        IReadOnlyCollection<RedisChannel> channels,
        Func<RedisMessage, CancellationToken, ValueTask> handler,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(handler);
        if (channels.Count == 0 || channels.Any(channel => string.IsNullOrEmpty(channel.Name)))
        {
            throw new ArgumentException("Name at least one channel or pattern, none empty.", nameof(channels));
        }

        RedisSubscriber subscriber;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            subscriber = _subscriber ??= new RedisSubscriber(_options, _logger, _time);
        }

        return subscriber.SubscribeAsync(channels, handler, cancellationToken);
    }

    public async Task<IRedisConnection> CreateDedicatedConnectionAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }

        var connection = new DedicatedConnection(
            new ResilientConnection(_options, "dedicated", _logger, _time),
            _options.CommandTimeout,
            closed => _dedicated.TryRemove(closed, out _));
        _dedicated[connection] = 0;
        connection.Connection.Start();
        try
        {
            await connection.Connection.WaitForConnectionAsync(_time.GetTimestamp(), cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes every connection, dedicated ones included; commands in flight fail with <see cref="RedisConnectionException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        RedisSubscriber? subscriber;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            subscriber = _subscriber;
        }

        await _shared.DisposeAsync();
        if (subscriber is not null)
        {
            await subscriber.DisposeAsync();
        }

        foreach (var connection in _dedicated.Keys)
        {
            await connection.DisposeAsync();
        }
    }
}
