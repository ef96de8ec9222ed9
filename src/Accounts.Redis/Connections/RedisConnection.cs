using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Accounts.Redis.Protocol;

namespace Accounts.Redis.Connections;

/// <summary>
/// One TCP connection, used by any number of callers at once. A command is serialised into an outbound pipe and its
/// reply slot queued under one lock, so bytes on the wire and slots in the queue are in the same order; a write loop
/// sends whatever has accumulated in one go (commands issued while a send is in progress are coalesced), and a read
/// loop hands each reply to the oldest slot. The connection is never reused once closed: anything in flight then
/// fails, and the owner (<see cref="ResilientConnection"/>) opens a new one.
/// </summary>
internal sealed class RedisConnection
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly Pipe _output = new(new PipeOptions(
        pauseWriterThreshold: 0, // never makes FlushAsync wait: callers only append under the lock, the write loop drains
        resumeWriterThreshold: 0,
        minimumSegmentSize: 16 * 1024,
        useSynchronizationContext: false));

    private readonly Queue<TaskCompletionSource<RedisResult>> _pending = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<RedisResult, bool>? _tryHandlePush;
    private readonly Action<RedisConnection, Exception, int> _onClosed;
    private volatile bool _isClosed;

    private RedisConnection(Socket socket, string endpoint, Func<RedisResult, bool>? tryHandlePush, Action<RedisConnection, Exception, int> onClosed)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
        Endpoint = endpoint;
        _tryHandlePush = tryHandlePush;
        _onClosed = onClosed;
    }

    public string Endpoint { get; }

    public bool IsClosed => _isClosed;

    /// <summary>Completes once the connection is closed and its owner has been told.</summary>
    public Task Closed => _closed.Task;

    /// <summary>
    /// Opens a connection. <paramref name="tryHandlePush"/> may claim replies that answer no command (pub/sub
    /// messages); <paramref name="onClosed"/> runs once when the connection closes, with the reason and the number of
    /// commands that were in flight.
    /// </summary>
    public static async Task<RedisConnection> ConnectAsync(
        RedisOptions options,
        Func<RedisResult, bool>? tryHandlePush,
        Action<RedisConnection, Exception, int> onClosed,
        CancellationToken cancellationToken)
    {
        EndPoint endPoint;
        Socket socket;
        if (IPAddress.TryParse(options.Host, out var address))
        {
            endPoint = new IPEndPoint(address, options.Port);
            socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        }
        else
        {
            endPoint = new DnsEndPoint(options.Host, options.Port);
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        }

        try
        {
            socket.NoDelay = true;
            EnableKeepAlive(socket);
            await socket.ConnectAsync(endPoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new RedisConnection(socket, options.Endpoint, tryHandlePush, onClosed);
        connection.Start();
        return connection;
    }

    /// <summary>
    /// Queues a command and returns the task of its reply, or null when the connection is already closed (then
    /// nothing was sent). The reply task fails with <see cref="RedisConnectionException"/> if the connection closes
    /// first; an error reply is a result of kind <see cref="RedisResultKind.Error"/>, not a failure.
    /// </summary>
    public Task<RedisResult>? TrySend(string command, ReadOnlySpan<RedisValue> args)
    {
        var reply = new TaskCompletionSource<RedisResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_isClosed)
            {
                return null;
            }

            RespWriter.WriteCommand(_output.Writer, command, args);
            _pending.Enqueue(reply);
            var flush = _output.Writer.FlushAsync();
            if (!flush.IsCompleted)
            {
                // Cannot happen with pauseWriterThreshold 0; never leave the write half-done if it ever does.
                throw new InvalidOperationException("The outbound buffer did not accept the command.");
            }

            _ = flush.Result;
        }

        return reply.Task;
    }

    /// <summary>Closes the connection: every command in flight fails, mentioning <paramref name="reason"/>.</summary>
    public void Abort(Exception reason) => Close(reason);

    /// <summary>
    /// A peer that vanishes without closing (a dead host, a dropped route) would otherwise leave a dedicated
    /// connection blocked forever in BLPOP 0; keepalive probes find out within about a minute and a half.
    /// </summary>
    private static void EnableKeepAlive(Socket socket)
    {
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 60);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
        }
        catch (Exception ex) when (ex is SocketException or PlatformNotSupportedException)
        {
            // The operating system's own keepalive timings then apply.
        }
    }

    private void Start()
    {
        _ = ReadLoopAsync();
        _ = WriteLoopAsync();
    }

    private async Task WriteLoopAsync()
    {
        var outbound = _output.Reader;
        try
        {
            while (true)
            {
                var read = await outbound.ReadAsync();
                foreach (var segment in read.Buffer)
                {
                    await _stream.WriteAsync(segment);
                }

                outbound.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            Close(new RedisConnectionException($"Writing to {Endpoint} failed.", mayHaveExecuted: true, ex));
        }
        finally
        {
            await outbound.CompleteAsync();
        }
    }

    private async Task ReadLoopAsync()
    {
        var parser = new RespParser();
        Exception reason;
        try
        {
            while (true)
            {
                var read = await _input.ReadAsync();
                if (read.IsCanceled)
                {
                    reason = new RedisConnectionException($"The connection to {Endpoint} was closed.", mayHaveExecuted: true);
                    break;
                }

                var consumed = Dispatch(parser, read.Buffer);
                _input.AdvanceTo(consumed, read.Buffer.End);
                if (read.IsCompleted)
                {
                    reason = new RedisConnectionException($"The server at {Endpoint} closed the connection.", mayHaveExecuted: true);
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            reason = ex;
        }

        Close(reason);
        await _input.CompleteAsync();
    }

    private SequencePosition Dispatch(RespParser parser, ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (parser.TryRead(ref reader, out var reply))
        {
            if (_tryHandlePush?.Invoke(reply) == true)
            {
                continue;
            }

            TaskCompletionSource<RedisResult>? pending;
            lock (_gate)
            {
                _pending.TryDequeue(out pending);
            }

            if (pending is null)
            {
                throw new RedisProtocolException("The server sent a reply that no command was waiting for.");
            }

            // A caller that stopped waiting (cancelled) has left its slot here: the reply is consumed and dropped.
            pending.TrySetResult(reply);
        }

        return reader.Position;
    }

    private void Close(Exception reason)
    {
        TaskCompletionSource<RedisResult>[] orphans;
        lock (_gate)
        {
            if (_isClosed)
            {
                return;
            }

            _isClosed = true;
            orphans = [.. _pending];
            _pending.Clear();
            _output.Writer.Complete();
        }

        // Unblocks both loops; each then finds the connection closed.
        _input.CancelPendingRead();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _stream.Dispose();
        try
        {
            _onClosed(this, reason, orphans.Length);
        }
        finally
        {
            var message = reason switch
            {
                RedisTimeoutException => $"The connection to {Endpoint} was dropped because an earlier command timed out (its reply could no longer be matched); this command may or may not have executed.",
                ObjectDisposedException => "The connection was disposed while this command was in flight; it may or may not have executed.",
                OperationCanceledException => $"The connection to {Endpoint} was dropped to cancel a blocking command; this command may or may not have executed.",
                _ => $"The connection to {Endpoint} was lost; this command may or may not have executed.",
            };
            foreach (var orphan in orphans)
            {
                orphan.TrySetException(new RedisConnectionException(message, mayHaveExecuted: true, reason));
            }

            _closed.TrySetResult();
        }
    }
}
