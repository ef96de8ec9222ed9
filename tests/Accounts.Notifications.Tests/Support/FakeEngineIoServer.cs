using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Accounts.Notifications.Tests.Support;

/// <summary>
/// A WebSocket server on loopback that hands each connection to the test, which then plays the Engine.IO server
/// frame by frame: for what a real server will not do on demand (stop pinging, announce a small maxPayload).
/// </summary>
internal sealed class FakeEngineIoServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<FakeSession> _sessions = Channel.CreateUnbounded<FakeSession>();
    private readonly CancellationTokenSource _stopping = new();
    private int _sessionCount;

    private FakeEngineIoServer(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public int SessionCount => Volatile.Read(ref _sessionCount);

    public static async Task<FakeEngineIoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeEngineIoServer(app);
        app.UseWebSockets();
        app.Run(server.AcceptAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return server;
    }

    /// <summary>The next connection the bridge opens.</summary>
    public async Task<FakeSession> NextSessionAsync() =>
        await _sessions.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Eventually.Bound, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var session = new FakeSession(socket, context.Request.Path + context.Request.QueryString, _stopping.Token);
        Interlocked.Increment(ref _sessionCount);
        await _sessions.Writer.WriteAsync(session, _stopping.Token);

        // The request lives as long as the socket: until the bridge closes it, the test ends it, or the server stops.
        await session.ClosedAsync();
    }
}

/// <summary>One WebSocket connection from the bridge; every frame it sent is read into <see cref="Received"/>.</summary>
internal sealed class FakeSession
{
    private readonly WebSocket _socket;
    private readonly Channel<string> _received = Channel.CreateUnbounded<string>();
    private readonly Task _reading;

    public FakeSession(WebSocket socket, string pathAndQuery, CancellationToken stopping)
    {
        _socket = socket;
        PathAndQuery = pathAndQuery;
        _reading = ReadAsync(stopping);
    }

    public string PathAndQuery { get; }

    public Task SendAsync(string frame) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken);

    /// <summary>Plays the server's side of the handshake: the open packet, then admits the namespace connect (returned).</summary>
    public async Task<string> AcceptAsync(int pingInterval = 25000, int pingTimeout = 20000, int maxPayload = 1000000)
    {
        await SendAsync($$"""0{"sid":"fake","upgrades":[],"pingInterval":{{pingInterval}},"pingTimeout":{{pingTimeout}},"maxPayload":{{maxPayload}}}""");
        var connect = await ReceiveAsync();
        await SendAsync("""40{"sid":"fake-namespace"}""");
        return connect ?? "";
    }

    /// <summary>The next frame the bridge sent; null when it closed the connection.</summary>
    public async Task<string?> ReceiveAsync()
    {
        try
        {
            return await _received.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Eventually.Bound, TestContext.Current.CancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Every frame received but not yet read with <see cref="ReceiveAsync"/>.</summary>
    public IReadOnlyList<string> Unread()
    {
        var frames = new List<string>();
        while (_received.Reader.TryRead(out var frame))
        {
            frames.Add(frame);
        }

        return frames;
    }

    public Task ClosedAsync() => _reading;

    private async Task ReadAsync(CancellationToken stopping)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var frame = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, stopping);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    frame.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);
                _received.Writer.TryWrite(Encoding.UTF8.GetString(frame.GetBuffer(), 0, (int)frame.Length));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The bridge aborted the connection, or the server is stopping.
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }
}
