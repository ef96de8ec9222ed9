using Microsoft.Extensions.Logging;

namespace Accounts.Redis.Connections;

/// <summary>
/// A logical connection that outlives sockets: it opens a <see cref="RedisConnection"/> (AUTH, SELECT, CLIENT SETNAME
/// and a PING on each), and when that closes opens another in the background, at once the first time and then after
/// an exponentially growing, jittered delay. Commands issued meanwhile queue up, in order, and are written as soon as a
/// connection is up (each waits at most the command timeout); commands in flight when a socket is lost fail and are
/// never resent.
/// </summary>
internal sealed class ResilientConnection : IAsyncDisposable
{
    /// <summary>A connection that lived at least this long resets the backoff; one that keeps dying young does not.</summary>
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(1);

    private readonly RedisOptions _options;
    private readonly string _role;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<RedisResult, bool>? _tryHandlePush;
    private readonly Func<RedisConnection, CancellationToken, Task>? _onConnected;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Queue<Queued> _backlog = new();
    private TaskCompletionSource<RedisConnection> _ready = NewReady();
    private volatile Exception? _lastError;
    private Task _loop = Task.CompletedTask;
    private bool _disposed;

    /// <param name="onConnected">Runs on each new connection before commands may use it (the subscriber resubscribes there).</param>
    public ResilientConnection(
        RedisOptions options,
        string role,
        ILogger logger,
        TimeProvider time,
        Func<RedisResult, bool>? tryHandlePush = null,
        Func<RedisConnection, CancellationToken, Task>? onConnected = null)
    {
        _options = options;
        _role = role;
        _logger = logger;
        _time = time;
        _tryHandlePush = tryHandlePush;
        _onConnected = onConnected;
    }

    public string Endpoint => _options.Endpoint;

    /// <summary>Starts connecting in the background.</summary>
    public void Start() => _loop = RunAsync();

    /// <summary>
    /// Sends a command on the current connection, or queues it for the next one if there is none.
    /// <paramref name="replyTimeout"/> null waits for the reply without limit (a blocking command with no timeout).
    /// </summary>
    /// <param name="abortOnCancel">Drop the connection when the caller cancels (a dedicated connection's blocking command).</param>
    public async Task<RedisResult> ExecuteAsync(
        string command,
        ReadOnlyMemory<RedisValue> args,
        TimeSpan? replyTimeout,
        bool abortOnCancel,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (connection, reply) = await SendAsync(command, args, cancellationToken);
        RedisResult result;
        try
        {
            result = replyTimeout is { } timeout
                ? await reply.WaitAsync(timeout, _time, cancellationToken)
                : await reply.WaitAsync(cancellationToken);
        }
        catch (TimeoutException) when (reply.IsCompletedSuccessfully)
        {
            result = reply.Result; // answered just as the timer fired
        }
        catch (TimeoutException)
        {
            IgnoreFailure(reply);
            var error = new RedisTimeoutException(
                $"{command} got no reply from {Endpoint} within {replyTimeout}; the connection was dropped and is being replaced. The command may or may not have executed.");
            RedisLog.CommandTimedOut(_logger, command, Endpoint, replyTimeout!.Value, _role);
            connection.Abort(error);
            throw error;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The slot stays queued, so the reply is still read and dropped: the FIFO stays in step.
            IgnoreFailure(reply);
            if (abortOnCancel && !reply.IsCompleted)
            {
                connection.Abort(new OperationCanceledException($"{command} was cancelled.", cancellationToken));
            }

            throw;
        }

        return result.Kind == RedisResultKind.Error ? throw new RedisServerException(result.AsString()!) : result;
    }

    /// <summary>
    /// The current connection, or the next one if there is none, waiting at most the command timeout counted from
    /// <paramref name="started"/> (a <see cref="TimeProvider.GetTimestamp"/>).
    /// </summary>
    /// <exception cref="RedisConnectionException">No connection in time; the message carries the last connection error.</exception>
    public async Task<RedisConnection> WaitForConnectionAsync(long started, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<RedisConnection> ready;
            lock (_gate)
            {
                ThrowIfDisposed();
                ready = _ready.Task;
            }

            if (ready.IsCompletedSuccessfully)
            {
                var connection = ready.Result;
                if (!connection.IsClosed)
                {
                    return connection;
                }

                // Closing: once Closed completes, _ready has been replaced.
                await connection.Closed.WaitAsync(cancellationToken);
                continue;
            }

            var remaining = _options.CommandTimeout - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                throw NotConnected();
            }

            try
            {
                await ready.WaitAsync(remaining, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw NotConnected();
            }
        }
    }

    /// <summary>
    /// Writes the command now when connected and nothing is queued; otherwise queues it behind earlier ones, to be
    /// written in order as soon as a connection is up. Waiting there is bounded by the command timeout.
    /// </summary>
    private ValueTask<(RedisConnection Connection, Task<RedisResult> Reply)> SendAsync(
        string command,
        ReadOnlyMemory<RedisValue> args,
        CancellationToken cancellationToken)
    {
        Queued queued;
        lock (_gate)
        {
            ThrowIfDisposed();
            if (_backlog.Count == 0 && _ready.Task.IsCompletedSuccessfully)
            {
                var connection = _ready.Task.Result;
                if (connection.TrySend(command, args.Span) is { } reply)
                {
                    return ValueTask.FromResult((connection, reply));
                }
            }

            queued = new Queued(command, args);
            _backlog.Enqueue(queued);
        }

        return new ValueTask<(RedisConnection, Task<RedisResult>)>(WaitUntilSentAsync(queued, cancellationToken));
    }

    private async Task<(RedisConnection Connection, Task<RedisResult> Reply)> WaitUntilSentAsync(Queued queued, CancellationToken cancellationToken)
    {
        try
        {
            return await queued.Sent.Task.WaitAsync(_options.CommandTimeout, _time, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            lock (_gate)
            {
                queued.Abandoned = !queued.Sent.Task.IsCompleted;
            }

            if (!queued.Abandoned)
            {
                // Sent just now: the caller waits for the reply (or, if it cancelled, leaves it to be dropped).
                var sent = await queued.Sent.Task;
                if (ex is OperationCanceledException)
                {
                    IgnoreFailure(sent.Reply);
                    throw;
                }

                return sent;
            }

            if (ex is TimeoutException)
            {
                throw NotConnected();
            }

            throw;
        }
    }

    /// <summary>Writes queued commands, oldest first, until the queue is empty or the connection closes. Under <see cref="_gate"/>.</summary>
    private void SendQueued(RedisConnection connection)
    {
        while (_backlog.TryPeek(out var queued))
        {
            if (!queued.Abandoned)
            {
                if (connection.TrySend(queued.Command, queued.Args.Span) is not { } reply)
                {
                    return; // closed: the rest waits for the next connection
                }

                queued.Sent.TrySetResult((connection, reply));
            }

            _backlog.Dequeue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        RedisConnection? current = null;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            while (_backlog.TryDequeue(out var queued))
            {
                queued.Sent.TrySetException(new ObjectDisposedException(DisposedName));
                IgnoreFailure(queued.Sent.Task);
            }

            if (_ready.Task.IsCompletedSuccessfully)
            {
                current = _ready.Task.Result;
            }
            else
            {
                _ready.TrySetException(new ObjectDisposedException(DisposedName));
                IgnoreFailure(_ready.Task);
            }
        }

        await _stop.CancelAsync();
        current?.Abort(new ObjectDisposedException(DisposedName));
        await _loop;
        _stop.Dispose();
        RedisLog.Closed(_logger, Endpoint, _role);
    }

    private async Task RunAsync()
    {
        var stop = _stop.Token;
        var failures = 0;
        var delay = TimeSpan.Zero;
        while (true)
        {
            if (failures > 0)
            {
                try
                {
                    await Task.Delay(delay, _time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            RedisConnection connection;
            try
            {
                connection = await OpenAsync(stop);
            }
            catch (Exception ex)
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                _lastError = ex;
                failures++;
                delay = NextDelay(failures);
                RedisLog.ConnectFailed(_logger, Endpoint, _role, failures, delay, ex);
                continue;
            }

            lock (_gate)
            {
                if (_disposed)
                {
                    connection.Abort(new ObjectDisposedException(DisposedName));
                    return;
                }

                if (connection.IsClosed)
                {
                    delay = NextDelay(++failures);
                    continue;
                }

                _lastError = null;
                if (_ready.Task.IsCompleted)
                {
                    _ready = NewReady();
                }

                _ready.TrySetResult(connection);
                SendQueued(connection);
            }

            RedisLog.Connected(_logger, Endpoint, _role);
            var connectedAt = _time.GetTimestamp();
            await connection.Closed;
            if (stop.IsCancellationRequested)
            {
                return;
            }

            failures = _time.GetElapsedTime(connectedAt) >= StableAfter ? 0 : failures + 1;
            if (failures > 0)
            {
                delay = NextDelay(failures);
            }
        }
    }

    private async Task<RedisConnection> OpenAsync(CancellationToken stop)
    {
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        RedisConnection? connection = null;
        try
        {
            connection = await RedisConnection.ConnectAsync(_options, _tryHandlePush, OnClosed, linked.Token);
            await HandshakeAsync(connection, linked.Token);
            if (_onConnected is not null)
            {
                await _onConnected(connection, linked.Token);
            }

            return connection;
        }
        catch (Exception ex)
        {
            var error = ex is OperationCanceledException && timeout.IsCancellationRequested && !stop.IsCancellationRequested
                ? new RedisConnectionException($"Connecting to {Endpoint} did not complete within {_options.ConnectTimeout}.", mayHaveExecuted: false, ex)
                : ex;
            connection?.Abort(error);
            if (ReferenceEquals(error, ex))
            {
                throw;
            }

            throw error;
        }
    }

    /// <summary>AUTH, SELECT, CLIENT SETNAME and a PING, pipelined: one round trip. The PING proves the server answers.</summary>
    private async Task HandshakeAsync(RedisConnection connection, CancellationToken cancellationToken)
    {
        var replies = new List<(string Command, Task<RedisResult> Reply)>(4);
        if (_options.Password is { } password)
        {
            Send("AUTH", _options.User is { } user ? [user, password] : [password]);
        }

        if (_options.Database != 0)
        {
            Send("SELECT", [_options.Database]);
        }

        if (_options.ClientName is { } name)
        {
            Send("CLIENT", ["SETNAME", name]);
        }

        Send("PING", []);
        foreach (var (command, reply) in replies)
        {
            var result = await reply.WaitAsync(cancellationToken);
            if (result.Kind == RedisResultKind.Error)
            {
                throw new RedisConnectionException(
                    $"Redis at {Endpoint} refused {command} while connecting: {result.AsString()}",
                    mayHaveExecuted: false,
                    new RedisServerException(result.AsString()!));
            }
        }

        void Send(string command, RedisValue[] args)
        {
            var reply = connection.TrySend(command, args)
                ?? throw new RedisConnectionException($"The connection to {Endpoint} closed while connecting.", mayHaveExecuted: false);
            replies.Add((command, reply));
        }
    }

    private void OnClosed(RedisConnection connection, Exception reason, int inFlight)
    {
        lock (_gate)
        {
            if (_ready.Task.IsCompletedSuccessfully && ReferenceEquals(_ready.Task.Result, connection))
            {
                _ready = NewReady();
            }
        }

        if (!_stop.IsCancellationRequested && reason is not ObjectDisposedException)
        {
            RedisLog.ConnectionLost(_logger, Endpoint, _role, inFlight, reason);
        }
    }

    private TimeSpan NextDelay(int failures)
    {
        var exponent = Math.Min(failures - 1, 30);
        var ceiling = Math.Min(_options.ReconnectBaseDelay.TotalMilliseconds * Math.Pow(2, exponent), _options.ReconnectMaxDelay.TotalMilliseconds);

        // "Equal jitter": at least half the ceiling, so that clients that lost the same server do not return in step.
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    private RedisConnectionException NotConnected() => new(
        $"No connection to Redis at {Endpoint} within {_options.CommandTimeout}; the command was not sent."
            + (_lastError is { } last ? $" Last connection error: {last.Message}" : ""),
        mayHaveExecuted: false,
        _lastError);

    /// <summary>What a caller sees in <see cref="ObjectDisposedException"/>: the public type it disposed.</summary>
    private string DisposedName => _role == "dedicated" ? nameof(IRedisConnection) : nameof(RedisClient);

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(DisposedName);
        }
    }

    private static TaskCompletionSource<RedisConnection> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void IgnoreFailure(Task task) =>
        task.ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    /// <summary>A command waiting for a connection.</summary>
    private sealed class Queued(string command, ReadOnlyMemory<RedisValue> args)
    {
        public string Command { get; } = command;

        public ReadOnlyMemory<RedisValue> Args { get; } = args;

        public TaskCompletionSource<(RedisConnection Connection, Task<RedisResult> Reply)> Sent { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The caller gave up before it was sent: skip it. Read and written under the owner's lock.</summary>
        public bool Abandoned { get; set; }
    }
}
