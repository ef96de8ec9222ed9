using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Accounts.Redis.Protocol;

namespace Accounts.Redis.Tests.Support;

/// <summary>
/// A loopback peer that speaks just enough RESP for a test to script a conversation byte by byte: it hands each
/// accepted connection to the test, which reads the client's commands and writes whatever replies it likes,
/// including wrong ones. For the protocol cases a real server cannot be made to produce.
/// </summary>
internal sealed class FakeRedisServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<FakeConnection> _accepted = Channel.CreateUnbounded<FakeConnection>();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<FakeConnection> _connections = [];
    private readonly Task _accepting;

    public FakeRedisServer()
    {
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    public RedisOptions Options(Action<RedisOptions>? configure = null)
    {
        var options = RedisOptions.Parse($"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        options.ReconnectBaseDelay = TimeSpan.FromMilliseconds(10);
        options.ReconnectMaxDelay = TimeSpan.FromMilliseconds(50);
        configure?.Invoke(options);
        return options;
    }

    /// <summary>The next connection the client opens, before its handshake.</summary>
    public Task<FakeConnection> AcceptHandshakeAsync() => _accepted.Reader.ReadAsync().AsTask().Within("the client to connect");

    /// <summary>The next connection the client opens, after answering its handshake PING.</summary>
    public async Task<FakeConnection> AcceptAsync()
    {
        var connection = await AcceptHandshakeAsync();
        (await connection.ReadCommandAsync()).ShouldBe(["PING"]);
        await connection.WriteAsync("+PONG\r\n");
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            var connection = new FakeConnection(socket);
            _connections.Add(connection);
            _accepted.Writer.TryWrite(connection);
        }
    }
}

internal sealed class FakeConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly RespParser _parser = new();

    public FakeConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream);
    }

    /// <summary>The next command the client sent, as text.</summary>
    public async Task<string[]> ReadCommandAsync()
    {
        var command = await _parser.ReadAsync(_input, CancellationToken.None).AsTask().Within("a command from the client");
        return command.ShouldNotBeNull("the client closed the connection").AsStringArray()!.Select(part => part!).ToArray();
    }

    /// <summary>True once the client has closed its end.</summary>
    public async Task<bool> ClosedByClientAsync()
    {
        try
        {
            return await _parser.ReadAsync(_input, CancellationToken.None).AsTask().Within("the client to close the connection") is null;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async Task WriteAsync(string raw) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(raw));

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }
}
