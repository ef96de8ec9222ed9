using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace Accounts.Notifications.SocketIo.Protocol;

/// <summary>
/// One Engine.IO v4 session over a WebSocket, connected to the main Socket.IO namespace. It answers the server's
/// pings, takes the server as gone when it stops pinging, and sends frames; it does not reconnect (the bridge does,
/// with a new connection).
/// </summary>
internal sealed class SocketIoConnection : IAsyncDisposable
{
    // Only short control packets matter to this client; a larger frame (an event broadcast to every socket) is
    // read to its end and ignored rather than held in memory.
    private const int MaxIncomingBytes = 64 * 1024;

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ArrayBufferWriter<byte> _incoming = new(1024);
    private readonly TimeProvider _time;

    private SocketIoConnection(TimeProvider time)
    {
        _time = time;

        // Engine.IO's own ping/pong is the heartbeat; WebSocket keep-alives would only add traffic.
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
    }

    public EngineIoHandshake Handshake { get; private set; } = null!;

    /// <summary>The server's id for this client in the namespace (what its logs show); empty when it sent none.</summary>
    public string NamespaceSid { get; private set; } = "";

    /// <summary>The largest frame the server accepts (its <c>maxHttpBufferSize</c>): a larger one makes it drop the connection.</summary>
    public int MaxPayload => Handshake.MaxPayload;

    /// <summary>
    /// Opens the WebSocket, reads the Engine.IO handshake and connects to the main namespace with
    /// <paramref name="connectFrame"/>, all within <paramref name="timeout"/>.
    /// </summary>
    /// <exception cref="SocketIoConnectRefusedException">The server answered <c>connect_error</c>.</exception>
    /// <exception cref="TimeoutException">The handshake did not complete in time.</exception>
    public static async Task<SocketIoConnection> ConnectAsync(Uri endpoint, string connectFrame, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var connection = new SocketIoConnection(time);
        try
        {
            using var limit = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
            try
            {
                await connection.HandshakeAsync(endpoint, connectFrame, linked.Token);
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The Socket.IO handshake did not complete within {timeout}.");
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Reads until the session ends, answering pings. Returns why the server ended it (close, namespace disconnect,
    /// no ping in time); throws if the socket fails, and <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var deadAfter = Handshake.DeadAfter;
        using var alive = new CancellationTokenSource(deadAfter, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, alive.Token);
        try
        {
            while (true)
            {
                var frame = await ReceiveFrameAsync(linked.Token);
                if (frame is null)
                {
                    return $"the server closed the WebSocket ({_socket.CloseStatus?.ToString() ?? "no status"})";
                }

                if (!EngineIoPacket.TryParse(frame, out var packet))
                {
                    continue;
                }

                switch (packet.Type)
                {
                    case EngineIoPacketType.Ping:
                        alive.CancelAfter(deadAfter);
                        await SendAsync(EngineIoPacket.Pong, linked.Token);
                        break;
                    case EngineIoPacketType.Close:
                        return "the server closed the Engine.IO session";
                    case EngineIoPacketType.Message when SocketIoPacket.TryParse(packet.Data, out var message)
                        && message.Namespace == SocketIoPacket.MainNamespace:
                        if (message.Type == SocketIoPacketType.Disconnect)
                        {
                            return "the server disconnected the namespace";
                        }

                        // Events, acks and a repeated connect are not for the bridge: it only emits.
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (alive.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return $"no ping from the server within {deadAfter} (pingInterval + pingTimeout)";
        }
    }

    /// <summary>Sends one text frame; safe to call while <see cref="RunAsync"/> answers a ping.</summary>
    public async Task SendAsync(string frame, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(frame);
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>
    /// Starts the WebSocket closing handshake, so that the server sees a client that left rather than one that
    /// vanished; <see cref="RunAsync"/> returns when the server's close arrives. No namespace disconnect (<c>41</c>) is
    /// sent first: a socket.io server dispatches received events on the next tick and discards those still pending
    /// when a disconnect packet arrives in the same read, so the last outcomes sent would be lost. The server handles
    /// the transport's close after those ticks.
    /// </summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _sending.WaitAsync(cancellationToken);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "client leaving", cancellationToken);
            }
            finally
            {
                _sending.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Already broken or out of time: disposing aborts it, which the server also understands.
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _sending.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task HandshakeAsync(Uri endpoint, string connectFrame, CancellationToken cancellationToken)
    {
        await _socket.ConnectAsync(endpoint, cancellationToken);
        var open = await ReceiveFrameAsync(cancellationToken) ?? throw new SocketIoProtocolException("The server closed the WebSocket before the Engine.IO handshake.");
        if (!EngineIoPacket.TryParse(open, out var packet) || packet.Type != EngineIoPacketType.Open)
        {
            throw new SocketIoProtocolException("The server's first frame is not an Engine.IO open packet.");
        }

        Handshake = EngineIoHandshake.Parse(packet.Data);
        await SendAsync(connectFrame, cancellationToken);
        while (true)
        {
            // A server that admits the namespace slowly (an async middleware) keeps pinging meanwhile.
            var frame = await ReceiveFrameAsync(cancellationToken) ?? throw new SocketIoProtocolException("The server closed the WebSocket before admitting the namespace.");
            if (!EngineIoPacket.TryParse(frame, out packet))
            {
                continue;
            }

            switch (packet.Type)
            {
                case EngineIoPacketType.Ping:
                    await SendAsync(EngineIoPacket.Pong, cancellationToken);
                    break;
                case EngineIoPacketType.Close:
                    throw new SocketIoProtocolException("The server closed the Engine.IO session before admitting the namespace.");
                case EngineIoPacketType.Message when SocketIoPacket.TryParse(packet.Data, out var message) && message.Namespace == SocketIoPacket.MainNamespace:
                    switch (message.Type)
                    {
                        case SocketIoPacketType.Connect:
                            NamespaceSid = SocketIoPacket.ConnectedSid(message.Data) ?? "";
                            return;
                        case SocketIoPacketType.ConnectError:
                            throw new SocketIoConnectRefusedException(SocketIoPacket.ConnectErrorReason(message.Data));
                        case SocketIoPacketType.Disconnect:
                            throw new SocketIoProtocolException("The server disconnected the namespace before admitting it.");
                    }

                    break;
            }
        }
    }

    /// <summary>The next whole text frame; empty for a binary or oversized frame (ignored); null once the server closes.</summary>
    private async Task<string?> ReceiveFrameAsync(CancellationToken cancellationToken)
    {
        _incoming.ResetWrittenCount();
        var oversized = false;
        while (true)
        {
            var memory = _incoming.GetMemory(4096);
            var result = await _socket.ReceiveAsync(memory, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            if (!oversized)
            {
                _incoming.Advance(result.Count);
                if (_incoming.WrittenCount > MaxIncomingBytes)
                {
                    oversized = true;
                    _incoming.ResetWrittenCount();
                }
            }

            if (result.EndOfMessage)
            {
                return oversized || result.MessageType != WebSocketMessageType.Text ? "" : Encoding.UTF8.GetString(_incoming.WrittenSpan);
            }
        }
    }
}
