using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Threading.Channels;
using Accounts.Tcp.Contracts;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Accounts.Tcp;

/// <summary>
/// One connection. Two loops share it:
/// <list type="bullet">
/// <item>the reading loop parses frames and starts each request at once (up to
/// <see cref="TcpOptions.MaxConcurrentRequestsPerConnection"/> unanswered; then it stops reading the socket, so a
/// client that pipelines faster than it is served meets TCP back-pressure rather than unbounded buffering);</item>
/// <item>the writing loop takes the started requests in the order they arrived, awaits each one's reply and writes
/// it, flushing whenever the next reply is not ready yet (so pipelined answers leave in batches).</item>
/// </list>
/// Order is kept by construction: replies are written in the order of the queue, whatever order they complete in.
/// </summary>
internal sealed class TcpSession
{
    private static readonly TcpReply UnknownTypeReply =
        TcpReply.Error(TcpStatus.BadRequest, TcpErrorCodes.UnknownType, "This request type does not exist; see docs/protocol.md for the types.");

    private static readonly TcpReply InvalidJsonReply =
        TcpReply.Error(TcpStatus.BadRequest, TcpErrorCodes.InvalidJson, "The payload must be one JSON object in UTF-8.");

    private static readonly TcpReply InvalidRequestReply =
        TcpReply.Error(TcpStatus.BadRequest, TcpErrorCodes.InvalidRequest, "The payload does not have the shape this request type expects.");

    private static readonly TcpReply UnavailableReply =
        TcpReply.Error(TcpStatus.Unavailable, TcpErrorCodes.Unavailable, "The service is unavailable: try again later.");

    private static readonly TcpReply InternalReply =
        TcpReply.Error(TcpStatus.Internal, TcpErrorCodes.InternalError, "An unexpected error occurred.");

    private readonly AccountsConnectionHandler _handler;
    private readonly ConnectionContext _connection;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly TcpOptions _options;
    private readonly TimeProvider _time;
    private readonly TcpConnectionContext _context;
    private readonly TokenBucket _bucket;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _aborted;
    private readonly Channel<Pending> _replies = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions
    {
        SingleReader = true,
        SingleWriter = true,
    });

    private ITimer? _idleTimer;
    private long _lastActivity;
    private int _inFlight;
    private int _idleFired;
    private int _stop;
    private long _requests;
    private bool _limited;

    public TcpSession(AccountsConnectionHandler handler, ConnectionContext connection)
    {
        _handler = handler;
        _connection = connection;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        _options = handler.Options;
        _time = handler.Time;
        _context = new TcpConnectionContext(connection.ConnectionId, connection.RemoteEndPoint);
        _bucket = new TokenBucket(_options.RequestsPerSecond, _options.RequestBurst, _time);
        _slots = new SemaphoreSlim(_options.MaxConcurrentRequestsPerConnection, _options.MaxConcurrentRequestsPerConnection);
        // Not linked to ConnectionClosed: Kestrel fires it when the peer half-closes, and a client may send its
        // requests, shut down its side and still read the answers. Requests are cancelled when writing fails.
        _aborted = new CancellationTokenSource();
    }

    private enum StopReason
    {
        None,
        ClientClosed,
        Truncated,
        Idle,
        Shutdown,
        Lost,
        FrameTooLarge,
        InvalidFrame,
    }

    public async Task RunAsync()
    {
        TcpLog.ConnectionOpened(_handler.Logger, _connection.ConnectionId, _connection.RemoteEndPoint);
        var lifetime = _connection.Features.Get<IConnectionLifetimeNotificationFeature>();
        using var shutdown = lifetime?.ConnectionClosedRequested.Register(static s => ((TcpSession)s!).Stop(StopReason.Shutdown), this);
        _lastActivity = _time.GetTimestamp();
        _idleTimer = _time.CreateTimer(static s => ((TcpSession)s!).OnIdleTimer(), this, _options.IdleTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            var writing = WriteLoopAsync();
            var fatal = false;
            try
            {
                fatal = await ReadLoopAsync();
            }
            finally
            {
                // Whatever ended the reading, the writer answers what was started and releases what it holds.
                _replies.Writer.TryComplete();
                await writing;
            }

            if (fatal)
            {
                await AccountsConnectionHandler.DrainAsync(_input, _time);
            }
        }
        finally
        {
            await _idleTimer.DisposeAsync();
            _aborted.Dispose();
            _slots.Dispose();
        }

        var reason = (StopReason)Volatile.Read(ref _stop);
        if (reason == StopReason.Idle)
        {
            TcpLog.IdleTimeout(_handler.Logger, _connection.ConnectionId, _options.IdleTimeout);
        }

        TcpLog.ConnectionClosed(_handler.Logger, _connection.ConnectionId, reason.ToString(), _requests);
    }

    /// <summary>Reads frames until the peer closes, a stop is asked for, or a fatal framing error; true after a fatal error.</summary>
    private async Task<bool> ReadLoopAsync()
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _input.ReadAsync();
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                TcpLog.ConnectionLost(_handler.Logger, _connection.ConnectionId, ex);
                Stop(StopReason.Lost);
                return false;
            }

            var buffer = result.Buffer;
            if (result.IsCanceled && ShouldStop())
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
                return false;
            }

            var consumed = buffer.Start;
            try
            {
                while (true)
                {
                    var rest = buffer.Slice(consumed);
                    var frameEnd = rest.Start;
                    var examined = rest.End;
                    var outcome = _handler.Frames.TryParseRequest(rest, ref frameEnd, ref examined, out var frame);
                    if (outcome == FrameReadResult.Frame)
                    {
                        consumed = frameEnd;
                        if (!await AcceptAsync(frame))
                        {
                            return false;
                        }

                        continue;
                    }

                    if (outcome != FrameReadResult.NeedMoreData)
                    {
                        // The stream cannot be resynchronised: answer in turn, then close.
                        EnqueueFatal(outcome, frame.Type, rest);
                        return true;
                    }

                    if (result.IsCompleted)
                    {
                        if (!rest.IsEmpty)
                        {
                            TcpLog.TruncatedFrame(_handler.Logger, _connection.ConnectionId, rest.Length);
                        }

                        Stop(rest.IsEmpty ? StopReason.ClientClosed : StopReason.Truncated);
                        return false;
                    }

                    break;
                }
            }
            finally
            {
                // Also on the way out: the buffer must be given back before the pipe is completed.
                _input.AdvanceTo(consumed, buffer.End);
            }
        }
    }

    /// <summary>Starts one request and queues its reply; false when the connection is being torn down.</summary>
    private async ValueTask<bool> AcceptAsync(RequestFrame frame)
    {
        if (Volatile.Read(ref _stop) != (int)StopReason.None)
        {
            // Shutting down or lost: frames still in the buffer are not started (they are not answered either).
            return false;
        }

        Volatile.Write(ref _lastActivity, _time.GetTimestamp());
        _requests++;
        try
        {
            await _slots.WaitAsync(_aborted.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        Interlocked.Increment(ref _inFlight);
        _replies.Writer.TryWrite(new Pending(frame.Type, Start(frame), IsFatal: false));
        return true;
    }

    /// <summary>Protocol-level answers are made here, at once; everything else goes to the dispatcher.</summary>
    private Task<TcpReply> Start(in RequestFrame frame)
    {
        if (!_bucket.TryTake(out var retryAfter))
        {
            if (!_limited)
            {
                // Once per burst over the limit, not once per frame: a flood must not become a flood of logs.
                _limited = true;
                TcpLog.RateLimited(_handler.Logger, _connection.ConnectionId);
            }

            return Task.FromResult(TcpReply.Error(
                TcpStatus.RateLimited,
                TcpErrorCodes.RateLimited,
                "Too many requests on this connection: slow down.",
                retryAfter: retryAfter));
        }

        _limited = false;
        if (frame.Type is < (byte)TcpRequestType.Register or > (byte)TcpRequestType.Ping)
        {
            TcpLog.UnknownType(_handler.Logger, _connection.ConnectionId, frame.Type);
            return Task.FromResult(UnknownTypeReply);
        }

        var type = (TcpRequestType)frame.Type;
        var length = (int)frame.Payload.Length;
        if (type == TcpRequestType.Ping && length == 0)
        {
            return Task.FromResult(Pong());
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        frame.Payload.CopyTo(rented);
        if (!TcpPayload.IsJsonObject(rented.AsSpan(0, length)))
        {
            ArrayPool<byte>.Shared.Return(rented);
            TcpLog.InvalidJson(_handler.Logger, _connection.ConnectionId, type, length);
            return Task.FromResult(InvalidJsonReply);
        }

        if (type == TcpRequestType.Ping)
        {
            ArrayPool<byte>.Shared.Return(rented);
            return Task.FromResult(Pong());
        }

        // On the thread pool, so that a dispatcher doing synchronous work (hashing) does not hold up the reading loop.
        return _options.MaxConcurrentRequestsPerConnection == 1
            ? DispatchAsync(type, rented, length)
            : Task.Run(() => DispatchAsync(type, rented, length));
    }

    private TcpReply Pong() => TcpReply.Ok(new PongReply(_time.GetUtcNow().ToUnixTimeMilliseconds()));

    private async Task<TcpReply> DispatchAsync(TcpRequestType type, byte[] rented, int length)
    {
        try
        {
            return await _handler.Dispatcher.DispatchAsync(type, rented.AsMemory(0, length), _context, _aborted.Token);
        }
        catch (JsonException)
        {
            TcpLog.InvalidRequest(_handler.Logger, type, _connection.ConnectionId);
            return InvalidRequestReply;
        }
        catch (OperationCanceledException) when (_aborted.IsCancellationRequested)
        {
            // The connection is gone: nobody will read this.
            return UnavailableReply;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            TcpLog.DispatchUnavailable(_handler.Logger, type, _connection.ConnectionId, ex);
            return UnavailableReply;
        }
        catch (Exception ex)
        {
            TcpLog.DispatchFailed(_handler.Logger, type, _connection.ConnectionId, ex);
            return InternalReply;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private bool IsUnavailable(Exception exception)
    {
        try
        {
            return _handler.Dispatcher.IsUnavailable(exception);
        }
        catch (Exception)
        {
            return false;
        }
    }

    private void EnqueueFatal(FrameReadResult outcome, byte type, ReadOnlySequence<byte> header)
    {
        TcpReply reply;
        if (outcome == FrameReadResult.TooLarge)
        {
            var declared = ReadDeclaredLength(header);
            TcpLog.FrameTooLarge(_handler.Logger, _connection.ConnectionId, declared, type, _options.MaxFrameBytes);
            reply = TcpReply.Error(
                TcpStatus.BadRequest,
                TcpErrorCodes.FrameTooLarge,
                $"The frame declares {declared} bytes; the limit is {_options.MaxFrameBytes}. The connection is closed.");
            Stop(StopReason.FrameTooLarge);
        }
        else
        {
            // A length of 0 has no type byte: answered as type 0.
            type = 0;
            TcpLog.InvalidFrame(_handler.Logger, _connection.ConnectionId);
            reply = TcpReply.Error(TcpStatus.BadRequest, TcpErrorCodes.InvalidFrame, "The frame is too short to hold a type. The connection is closed.");
            Stop(StopReason.InvalidFrame);
        }

        _replies.Writer.TryWrite(new Pending(type, Task.FromResult(reply), IsFatal: true));
    }

    private static uint ReadDeclaredLength(ReadOnlySequence<byte> header)
    {
        var reader = new SequenceReader<byte>(header);
        return reader.TryReadBigEndian(out int length) ? unchecked((uint)length) : 0;
    }

    private async Task WriteLoopAsync()
    {
        var writable = true;
        var queue = _replies.Reader;
        while (await queue.WaitToReadAsync())
        {
            while (queue.TryRead(out var pending))
            {
                var reply = await pending.Reply;
                if (writable)
                {
                    try
                    {
                        FrameCodec.WriteResponse(_output, (byte)(pending.Type | FrameCodec.ResponseFlag), (byte)reply.Status, reply.PayloadOrEmptyObject);
                        TcpLog.Answered(_handler.Logger, _connection.ConnectionId, pending.Type, reply.Status);
                    }
                    catch (Exception ex)
                    {
                        // The transport was torn down under us. Keep draining: every slot must be released.
                        TcpLog.ConnectionLost(_handler.Logger, _connection.ConnectionId, ex);
                        Stop(StopReason.Lost);
                        writable = false;
                    }
                }

                if (!pending.IsFatal)
                {
                    if (Interlocked.Decrement(ref _inFlight) == 0)
                    {
                        // The idle time counts from the last answer as well as from the last request.
                        Volatile.Write(ref _lastActivity, _time.GetTimestamp());
                    }

                    _slots.Release();
                }

                if (writable && (pending.IsFatal || !queue.TryPeek(out var next) || !next.Reply.IsCompleted))
                {
                    writable = await FlushAsync();
                }
            }
        }
    }

    /// <summary>
    /// Flushes, bounded by the idle timeout: a peer that stops reading its answers would otherwise hold the
    /// connection (and, through back-pressure, its unanswered requests) forever.
    /// </summary>
    private async ValueTask<bool> FlushAsync()
    {
        try
        {
            var flushing = _output.FlushAsync();
            var result = flushing.IsCompleted
                ? flushing.Result
                : await flushing.AsTask().WaitAsync(_options.IdleTimeout, _time);
            if (!result.IsCompleted && !result.IsCanceled)
            {
                return true;
            }
        }
        catch (Exception ex)
        {
            TcpLog.ConnectionLost(_handler.Logger, _connection.ConnectionId, ex);
            if (ex is TimeoutException)
            {
                _connection.Abort(new ConnectionAbortedException("The peer did not read its answers within the idle timeout."));
            }
        }

        Stop(StopReason.Lost);
        return false;
    }

    /// <summary>Asks the reading loop to stop; the first reason is kept. In-flight requests are still answered.</summary>
    private void Stop(StopReason reason)
    {
        Interlocked.CompareExchange(ref _stop, (int)reason, (int)StopReason.None);
        if (reason == StopReason.Lost)
        {
            // Nobody can read the answers any more: requests in progress may give up, and the reading loop must not wait for a slot.
            _aborted.Cancel();
        }

        if (reason is StopReason.Shutdown or StopReason.Lost)
        {
            _input.CancelPendingRead();
        }
    }

    /// <summary>After a cancelled read: whether to stop, or whether the idle timer fired while a request was arriving.</summary>
    private bool ShouldStop()
    {
        if (Volatile.Read(ref _stop) != (int)StopReason.None)
        {
            return true;
        }

        if (Interlocked.Exchange(ref _idleFired, 0) == 1)
        {
            if (Volatile.Read(ref _inFlight) == 0 && _time.GetElapsedTime(Volatile.Read(ref _lastActivity)) >= _options.IdleTimeout)
            {
                Interlocked.CompareExchange(ref _stop, (int)StopReason.Idle, (int)StopReason.None);
                return true;
            }

            ArmIdleTimer(_options.IdleTimeout);
        }

        return false;
    }

    private void OnIdleTimer()
    {
        if (Volatile.Read(ref _inFlight) > 0)
        {
            ArmIdleTimer(_options.IdleTimeout);
            return;
        }

        var idle = _time.GetElapsedTime(Volatile.Read(ref _lastActivity));
        if (idle < _options.IdleTimeout)
        {
            ArmIdleTimer(_options.IdleTimeout - idle);
            return;
        }

        Volatile.Write(ref _idleFired, 1);
        _input.CancelPendingRead();
    }

    private void ArmIdleTimer(TimeSpan dueTime)
    {
        try
        {
            _idleTimer?.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile.
        }
    }

    private readonly record struct Pending(byte Type, Task<TcpReply> Reply, bool IsFatal);
}
