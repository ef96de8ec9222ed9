using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Accounts.Notifications.SocketIo.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Accounts.Notifications.SocketIo;

/// <summary>
/// Forwards every outcome to the original messages server as the Node workers did: event <c>Profile</c> with
/// <c>{"Id": "&lt;UserId&gt;_&lt;Operation&gt;", "Status": bool, "Message": string | object}</c>, which the server relays
/// to that room as <c>Profile_Response</c>.
/// <para>
/// <see cref="PublishAsync"/> only queues the outcome: one connection sends in publication order in the background,
/// so a slow or absent server never slows a job. While the server is unreachable outcomes wait (at most
/// <see cref="SocketIoOptions.MaxBuffered"/>, the oldest dropped first) and go out in order on reconnection. Like a
/// Socket.IO client's emit, delivery is at most once per successful send: an outcome written to a connection that
/// dies before the server reads it is lost; one whose send fails is sent again first.
/// </para>
/// As a hosted service it connects in the background (start neither waits for nor fails on the server) and keeps
/// reconnecting, the wait doubling from <see cref="SocketIoOptions.ReconnectDelay"/> to <see cref="SocketIoOptions.MaxReconnectDelay"/>.
/// </summary>
public sealed class SocketIoBridge : IOutcomeSink, IHostedService, IAsyncDisposable
{
    /// <summary>The event the original workers emitted and the messages server listens to.</summary>
    public const string EventName = "Profile";

    private static readonly TimeSpan DropWarningInterval = TimeSpan.FromSeconds(10);

    // After leaving, how long to wait for the server's close before dropping the socket anyway.
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

    private readonly SocketIoOptions _options;
    private readonly Uri _endpoint;
    private readonly Uri _logEndpoint;
    private readonly string _connectFrame;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly OutcomeBuffer _buffer;

    // _stopping ends everything at once; _draining asks to send what is buffered, then leave. _idle is either:
    // what ends a connection attempt or a wait between attempts.
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _draining = new();
    private readonly CancellationTokenSource _idle;

    private readonly Lock _dropGate = new();
    private long _droppedUnreported;
    private long _droppedTotal;
    private long? _lastDropWarning;

    private Task _running = Task.CompletedTask;
    private int _started;
    private int _disposed;
    private volatile bool _connected;

    /// <exception cref="ArgumentException">The options are off (no Url) or invalid; the message names the setting.</exception>
    public SocketIoBridge(SocketIoOptions options, ILogger<SocketIoBridge>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            throw new ArgumentException($"{SocketIoOptions.Section}:{nameof(SocketIoOptions.Url)}: must be set for the bridge to run.", nameof(options));
        }

        if (options.Validate() is { } failure)
        {
            throw new ArgumentException(failure, nameof(options));
        }

        _options = options;
        _endpoint = options.WebSocketEndpoint();
        _logEndpoint = new Uri(_endpoint.GetLeftPart(UriPartial.Path));
        _connectFrame = SocketIoPacket.ConnectFrame(options.AuthToken);
        _logger = logger ?? NullLogger<SocketIoBridge>.Instance;
        _time = time ?? TimeProvider.System;
        _buffer = new OutcomeBuffer(options.MaxBuffered);
        _idle = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, _draining.Token);
    }

    /// <summary>Whether the namespace is connected now (for health checks; it may change right after the call).</summary>
    public bool IsConnected => _connected;

    /// <summary>Outcomes not yet sent, the one being sent included.</summary>
    public int Pending => _buffer.Count;

    /// <summary>Queues the outcome for the server. Never throws for a delivery problem: see the class remarks.</summary>
    public Task PublishAsync(Outcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        string frame;
        try
        {
            // Encoded now, so that the message is copied as it is at publication and never changed later by its owner.
            frame = EncodeProfile(outcome);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or NotSupportedException or JsonException)
        {
            // Such as a NaN number, or a JsonValue over a type the serializer cannot write. Only the exception's type is
            // logged: its message may quote the value.
            SocketIoLog.Unencodable(_logger, outcome.Operation, ex.GetType().Name);
            return Task.CompletedTask;
        }

        var dropped = _buffer.Add(new PendingFrame(frame, outcome.Operation));
        if (dropped > 0)
        {
            NoteDropped(dropped);
        }

        return Task.CompletedTask;
    }

    /// <summary>Starts connecting in the background and returns at once.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _running = Task.Run(RunAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Sends what is buffered when connected, then leaves; when not connected, stops at once. When
    /// <paramref name="cancellationToken"/> fires (the host's shutdown timeout), stops at once.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        await _draining.CancelAsync();
        using (cancellationToken.Register(static stopping => ((CancellationTokenSource)stopping!).Cancel(), _stopping))
        {
            await _running;
        }

        ReportDrops();
        SocketIoLog.Stopped(_logger, _logEndpoint, _buffer.Count);
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes the bridge once per service type it is registered as.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _running;
        _idle.Dispose();
        _draining.Dispose();
        _stopping.Dispose();
    }

    /// <summary>The frame the original workers sent: <c>42["Profile",{"Id":..,"Status":..,"Message":..}]</c>.</summary>
    internal static string EncodeProfile(Outcome outcome) => SocketIoPacket.EventFrame(EventName, writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("Id", outcome.Room);
        writer.WriteBoolean("Status", outcome.Status);
        writer.WritePropertyName("Message");
        if (outcome.Message is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            // Written, not attached to a new object: a JsonNode has one parent, and the outcome keeps its own.
            outcome.Message.WriteTo(writer);
        }

        writer.WriteEndObject();
    });

    private static string Describe(Exception error) => error switch
    {
        SocketIoConnectRefusedException refused => $"refused: {refused.Reason}",
        WebSocketException { InnerException: { } inner } socket => $"{socket.Message} ({inner.Message})",
        _ => error.Message,
    };

    private async Task RunAsync()
    {
        var failures = 0;
        while (!_idle.IsCancellationRequested)
        {
            try
            {
                SocketIoConnection connection;
                try
                {
                    connection = await SocketIoConnection.ConnectAsync(_endpoint, _connectFrame, _options.ConnectTimeout, _time, _idle.Token);
                }
                catch (OperationCanceledException) when (_idle.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    failures++;
                    var delay = Backoff(failures);
                    var level = failures == 1 || failures % 10 == 0 ? LogLevel.Warning : LogLevel.Debug;
                    SocketIoLog.ConnectFailed(_logger, level, _logEndpoint, failures, Describe(ex), _buffer.Count, delay);
                    await WaitAsync(delay);
                    continue;
                }

                failures = 0;
                string reason;
                await using (connection)
                {
                    _connected = true;
                    try
                    {
                        SocketIoLog.Connected(_logger, _logEndpoint, connection.NamespaceSid, _buffer.Count);
                        ReportDrops();
                        reason = await RunSessionAsync(connection);
                    }
                    finally
                    {
                        _connected = false;
                    }
                }

                if (_idle.IsCancellationRequested)
                {
                    return;
                }

                SocketIoLog.ConnectionLost(_logger, _logEndpoint, reason, _buffer.Count);

                // A server that admits and then drops at once (a restart, a proxy) is not hammered.
                await WaitAsync(Backoff(1));
            }
            catch (Exception ex)
            {
                SocketIoLog.Unexpected(_logger, _logEndpoint, ex);
                await WaitAsync(_options.MaxReconnectDelay);
            }
        }
    }

    /// <summary>Reads and sends on one connection until it ends; returns why it ended.</summary>
    private async Task<string> RunSessionAsync(SocketIoConnection connection)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var reading = connection.RunAsync(session.Token);
        var sending = SendAsync(connection, session.Token);
        var first = await Task.WhenAny(reading, sending);
        string reason;
        if (first == sending && sending.IsCompletedSuccessfully)
        {
            // Drained for a stop: close, so that the server sees a client that left, not one that vanished.
            await connection.CloseAsync(session.Token);
            await Task.WhenAny(reading, Task.Delay(CloseGrace, _time, session.Token));
            reason = "stopping";
        }
        else
        {
            reason = first.Exception?.GetBaseException() is { } error ? Describe(error)
                : first == reading && reading.IsCompletedSuccessfully ? reading.Result
                : "stopping";
        }

        await session.CancelAsync();
        foreach (var task in new Task[] { reading, sending })
        {
            try
            {
                await task;
            }
            catch (Exception)
            {
                // The reason was taken from whichever ended first; the other only followed it.
            }
        }

        return reason;
    }

    /// <summary>Sends buffered frames in order as they come; returns once the buffer is empty after a stop was asked for.</summary>
    private async Task SendAsync(SocketIoConnection connection, CancellationToken cancellationToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _draining.Token);
        var sent = 0;
        while (true)
        {
            while (_buffer.TryTakeNext(out var pending))
            {
                var bytes = Encoding.UTF8.GetByteCount(pending.Frame);
                if (bytes > connection.MaxPayload)
                {
                    // Sent, it would make the server drop the connection, and then be sent again after every reconnection.
                    SocketIoLog.TooLarge(_logger, pending.Operation, bytes, connection.MaxPayload);
                    _buffer.Delivered();
                    continue;
                }

                await connection.SendAsync(pending.Frame, cancellationToken);
                _buffer.Delivered();
                sent++;
            }

            if (sent > 0)
            {
                SocketIoLog.Drained(_logger, sent, _logEndpoint);
                sent = 0;
            }

            if (_draining.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await _buffer.WaitAsync(wake.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A stop was asked for: send what came meanwhile, then return.
            }
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var doubled = _options.ReconnectDelay * Math.Pow(2, Math.Min(failures - 1, 20));
        var capped = doubled < _options.MaxReconnectDelay ? doubled : _options.MaxReconnectDelay;

        // Jitter (down only, so the cap holds): many bridges that lost one server do not return in the same instant.
        return capped * (0.75 + (Random.Shared.NextDouble() * 0.25));
    }

    private async Task WaitAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _idle.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop sees it.
        }
    }

    private void NoteDropped(int count)
    {
        long report = 0;
        long total;
        lock (_dropGate)
        {
            _droppedUnreported += count;
            _droppedTotal += count;
            total = _droppedTotal;
            var now = _time.GetTimestamp();
            if (_lastDropWarning is not { } last || _time.GetElapsedTime(last, now) >= DropWarningInterval)
            {
                report = _droppedUnreported;
                _droppedUnreported = 0;
                _lastDropWarning = now;
            }
        }

        if (report > 0)
        {
            SocketIoLog.Dropped(_logger, _options.MaxBuffered, report, total);
        }
    }

    /// <summary>Logs the drops not reported yet (the warnings are spaced out while the server stays away).</summary>
    private void ReportDrops()
    {
        long report;
        long total;
        lock (_dropGate)
        {
            report = _droppedUnreported;
            total = _droppedTotal;
            _droppedUnreported = 0;
        }

        if (report > 0)
        {
            SocketIoLog.Dropped(_logger, _options.MaxBuffered, report, total);
        }
    }
}
