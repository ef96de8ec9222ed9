using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading.Channels;

namespace Accounts.Tcp.Client;

/// <summary>
/// One socket to the server, shared by every caller. A writing loop takes requests from a queue in the order they
/// were sent, notes each in the FIFO of awaited answers, then writes it (many per flush when callers pipeline); a
/// reading loop matches each response to the oldest awaited request, which the protocol's ordering makes correct.
/// Once it fails it stays failed: the client opens a new one.
/// </summary>
internal sealed class ClientConnection : IAsyncDisposable
{
    private const int FlushThreshold = 64 * 1024;

    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly int _maxResponseBytes;
    // Not single-reader: a failing connection drains it too, to fail what was never written.
    private readonly Channel<Outgoing> _outbox = Channel.CreateUnbounded<Outgoing>();
    private readonly Queue<Outgoing> _awaiting = new();
    private readonly Lock _gate = new();
    private readonly Task _reading;
    private readonly Task _writing;
    private Exception? _failure;
    private long _lastUsed = Environment.TickCount64;

    private ClientConnection(Socket socket, int maxResponseBytes)
    {
        _socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(stream);
        _output = PipeWriter.Create(stream);
        _maxResponseBytes = maxResponseBytes;
        _reading = Task.Run(ReadLoopAsync);
        _writing = Task.Run(WriteLoopAsync);
    }

    public bool IsAlive => Volatile.Read(ref _failure) is null;

    /// <summary>Whether nothing was sent or received for <paramref name="idle"/> and no answer is awaited.</summary>
    public bool IsIdleFor(TimeSpan idle)
    {
        lock (_gate)
        {
            return _awaiting.Count == 0
                && _outbox.Reader.Count == 0
                && Environment.TickCount64 - Volatile.Read(ref _lastUsed) >= (long)idle.TotalMilliseconds;
        }
    }

    public static async Task<ClientConnection> ConnectAsync(AccountsTcpClientOptions options, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new TcpConnectionException($"Could not connect to {options.Host}:{options.Port} ({ex.SocketErrorCode}).", mayHaveExecuted: false, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TcpConnectionException($"Could not connect to {options.Host}:{options.Port} within {options.ConnectTimeout}.", mayHaveExecuted: false, ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new ClientConnection(socket, options.MaxResponseBytes);
    }

    /// <summary>Queues a request; false if the connection has failed (the request was not sent).</summary>
    public bool TrySend(Outgoing request) => IsAlive && _outbox.Writer.TryWrite(request);

    public async ValueTask DisposeAsync()
    {
        Fail(new TcpConnectionException("The client was disposed.", mayHaveExecuted: false));
        await Task.WhenAll(_reading, _writing);
        await _input.CompleteAsync();
        await _output.CompleteAsync();
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            var queue = _outbox.Reader;
            while (await queue.WaitToReadAsync())
            {
                while (queue.TryRead(out var request))
                {
                    if (!request.TryMarkWritten())
                    {
                        continue; // cancelled before it was written: never sent
                    }

                    lock (_gate)
                    {
                        if (_failure is not null)
                        {
                            request.TrySetException(new TcpConnectionException(_failure.Message, mayHaveExecuted: false, _failure));
                            continue;
                        }

                        _awaiting.Enqueue(request);
                    }

                    FrameCodec.WriteRequest(_output, request.Type, request.Payload.Span);
                    Volatile.Write(ref _lastUsed, Environment.TickCount64);
                    if (_output.UnflushedBytes >= FlushThreshold)
                    {
                        await FlushAsync();
                    }
                }

                await FlushAsync();
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private async ValueTask FlushAsync()
    {
        var result = await _output.FlushAsync();
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new TcpConnectionException("The connection was closed while writing.", mayHaveExecuted: true);
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync();
                var buffer = result.Buffer;
                try
                {
                    while (true)
                    {
                        var scan = FrameCodec.Scan(buffer, response: true, _maxResponseBytes, out var length, out var type, out var status, out var payload, out var end);
                        if (scan == FrameScan.Incomplete)
                        {
                            break;
                        }

                        if (scan != FrameScan.Complete)
                        {
                            throw new TcpConnectionException($"The server sent a frame of declared length {length}, which this client does not accept (MaxResponseBytes {_maxResponseBytes}).", mayHaveExecuted: true);
                        }

                        Deliver(type, (TcpStatus)status, payload);
                        buffer = buffer.Slice(end);
                    }
                }
                finally
                {
                    _input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    Fail(new TcpConnectionException("The server closed the connection.", mayHaveExecuted: true));
                    return;
                }
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private void Deliver(byte type, TcpStatus status, ReadOnlySequence<byte> payload)
    {
        var response = new TcpResponse(type, status, ParsePayload(payload));
        Outgoing? request;
        lock (_gate)
        {
            _awaiting.TryDequeue(out request);
        }

        if (request is null)
        {
            // Only a connection-level error (type 0x80, such as too_many_connections) comes unasked.
            throw new TcpConnectionException(
                type == FrameCodec.ResponseFlag && !response.IsSuccess
                    ? $"The server closed the connection: {response.ErrorCode} ({response.ErrorMessage})"
                    : $"The server sent a response of type 0x{type:X2} to no request.",
                mayHaveExecuted: false);
        }

        if (type != (request.Type | FrameCodec.ResponseFlag) && type != FrameCodec.ResponseFlag)
        {
            request.TrySetException(new TcpConnectionException($"The server answered request type 0x{request.Type:X2} with type 0x{type:X2}: the stream is out of step.", mayHaveExecuted: true));
            throw new TcpConnectionException("The response stream is out of step with the requests.", mayHaveExecuted: true);
        }

        Volatile.Write(ref _lastUsed, Environment.TickCount64);

        // Fails quietly when the caller cancelled meanwhile: the answer is dropped, the order stays right.
        request.TrySetResult(response);
    }

    private static JsonElement ParsePayload(ReadOnlySequence<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return EmptyObject;
        }

        var reader = new Utf8JsonReader(payload);
        return JsonElement.ParseValue(ref reader);
    }

    private static JsonElement EmptyObject { get; } = JsonSerializer.Deserialize<JsonElement>("{}"u8);

    /// <summary>Fails the connection once: answers awaited get "may have executed", queued ones "not sent".</summary>
    private void Fail(Exception cause)
    {
        Outgoing[] awaiting;
        lock (_gate)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = cause;
            awaiting = [.. _awaiting];
            _awaiting.Clear();
        }

        _outbox.Writer.TryComplete();
        var message = cause is TcpConnectionException ? cause.Message : $"The connection to the server was lost: {cause.Message}";
        foreach (var request in awaiting)
        {
            request.TrySetException(new TcpConnectionException(message, mayHaveExecuted: true, cause));
        }

        while (_outbox.Reader.TryRead(out var queued))
        {
            queued.TrySetException(new TcpConnectionException(message, mayHaveExecuted: false, cause));
        }

        // Ends both loops: pending socket operations fail at once.
        _socket.Dispose();
    }
}

/// <summary>A request on its way: queued, then written (and awaited in FIFO order), or cancelled before being written.</summary>
internal sealed class Outgoing : TaskCompletionSource<TcpResponse>
{
    private const int Queued = 0;
    private const int Written = 1;
    private const int Cancelled = 2;

    private int _state;

    public Outgoing(byte type, ReadOnlyMemory<byte> payload)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Type = type;
        Payload = payload;
    }

    public byte Type { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    public bool TryMarkWritten() => Interlocked.CompareExchange(ref _state, Written, Queued) == Queued;

    /// <summary>Cancels the caller's wait. A request already written stays in the FIFO so that later answers still match.</summary>
    public void Cancel(CancellationToken cancellationToken)
    {
        Interlocked.CompareExchange(ref _state, Cancelled, Queued);
        TrySetCanceled(cancellationToken);
    }
}
