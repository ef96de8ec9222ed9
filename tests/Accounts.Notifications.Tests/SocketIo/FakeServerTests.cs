using System.Text.Json.Nodes;
using Accounts.Notifications.SocketIo;
using Accounts.Notifications.Tests.Support;

namespace Accounts.Notifications.Tests.SocketIo;

/// <summary>
/// The bridge against a server played frame by frame by the test: for what a real Socket.IO server does not do on
/// demand (fall silent without closing, announce a small maxPayload, refuse after a slow admission).
/// </summary>
public sealed class FakeServerTests
{
    private readonly ListLogger<SocketIoBridge> _log = new();

    [Fact]
    public async Task ConnectsToTheWebSocketTransportAndAnswersEachPingWithAPong()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        await using var bridge = await StartBridgeAsync(server.Url, options => options.Path = "/socket.io");

        var session = await server.NextSessionAsync();
        session.PathAndQuery.ShouldBe("/socket.io/?EIO=4&transport=websocket");
        (await session.AcceptAsync()).ShouldBe("40");
        await Eventually.TrueAsync(() => bridge.IsConnected, "the bridge is connected");
        foreach (var _ in Enumerable.Range(0, 3))
        {
            await session.SendAsync("2");
            (await session.ReceiveAsync()).ShouldBe("3");
        }
    }

    [Fact]
    public async Task SendsTheTokenInTheNamespaceConnect()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        await using var bridge = await StartBridgeAsync(server.Url, options => options.AuthToken = "t\"0ken");

        var session = await server.NextSessionAsync();

        (await session.AcceptAsync()).ShouldBe("""40{"token":"t\"0ken"}""");
    }

    [Fact]
    public async Task TakesASilentServerAsGoneAndReconnects()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        await using var bridge = await StartBridgeAsync(server.Url);

        // The server promises a ping every 100 ms (and 100 ms of patience), then never pings nor closes.
        var silent = await server.NextSessionAsync();
        await silent.AcceptAsync(pingInterval: 100, pingTimeout: 100);
        var next = await server.NextSessionAsync();

        (await silent.ReceiveAsync()).ShouldBeNull("the bridge dropped the silent connection");
        _log.WithEventId(7002).ShouldHaveSingleItem().Message.ShouldContain("no ping from the server");
        await next.AcceptAsync();
        await bridge.PublishAsync(Outcome("u1", "Verification", "delivered"), TestContext.Current.CancellationToken);
        (await next.ReceiveAsync()).ShouldBe("""42["Profile",{"Id":"u1_Verification","Status":true,"Message":"delivered"}]""");
    }

    [Fact]
    public async Task AnsweringPingsDuringASlowAdmissionKeepsTheConnection()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        await using var bridge = await StartBridgeAsync(server.Url);
        var session = await server.NextSessionAsync();
        await session.SendAsync("""0{"sid":"slow","upgrades":[],"pingInterval":25000,"pingTimeout":20000}""");
        (await session.ReceiveAsync()).ShouldBe("40");

        await session.SendAsync("2");
        (await session.ReceiveAsync()).ShouldBe("3");
        await session.SendAsync("""40{"sid":"admitted"}""");

        await Eventually.TrueAsync(() => bridge.IsConnected, "the bridge is connected");
        server.SessionCount.ShouldBe(1);
    }

    [Fact]
    public async Task DropsAnOutcomeLargerThanTheServerAcceptsAndSendsTheNext()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        await using var bridge = await StartBridgeAsync(server.Url);
        var session = await server.NextSessionAsync();
        await session.AcceptAsync(maxPayload: 200);
        await Eventually.TrueAsync(() => bridge.IsConnected, "the bridge is connected");

        await bridge.PublishAsync(Outcome("u2", "Read_User", new string('x', 300)), TestContext.Current.CancellationToken);
        await bridge.PublishAsync(Outcome("u2", "Read_User", "small"), TestContext.Current.CancellationToken);

        (await session.ReceiveAsync()).ShouldBe("""42["Profile",{"Id":"u2_Read_User","Status":true,"Message":"small"}]""");
        var dropped = _log.WithEventId(7004).ShouldHaveSingleItem();
        dropped.Values["Operation"].ShouldBe("Read_User");
        dropped.Values["MaxPayload"].ShouldBe(200);
        server.SessionCount.ShouldBe(1);
    }

    [Fact]
    public async Task ANamespaceDisconnectFromTheServerEndsTheConnectionAndTheBridgeComesBack()
    {
        await using var server = await FakeEngineIoServer.StartAsync();
        await using var bridge = await StartBridgeAsync(server.Url);
        var first = await server.NextSessionAsync();
        await first.AcceptAsync();
        await Eventually.TrueAsync(() => bridge.IsConnected, "the bridge is connected");

        await first.SendAsync("41");

        var second = await server.NextSessionAsync();
        await second.AcceptAsync();
        _log.WithEventId(7002).ShouldHaveSingleItem().Message.ShouldContain("disconnected the namespace");
    }

    private static Outcome Outcome(string userId, string operation, string message) =>
        new(userId, operation, null, true, JsonValue.Create(message), DateTimeOffset.UtcNow);

    private async Task<SocketIoBridge> StartBridgeAsync(string url, Action<SocketIoOptions>? configure = null)
    {
        var options = new SocketIoOptions
        {
            Url = url,
            ReconnectDelay = TimeSpan.FromMilliseconds(50),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(250),
        };
        configure?.Invoke(options);
        var bridge = new SocketIoBridge(options, _log);
        await bridge.StartAsync(TestContext.Current.CancellationToken);
        return bridge;
    }
}
