using System.Text.Json.Nodes;
using Accounts.Notifications.SocketIo;
using Accounts.Notifications.Tests.Support;
using Accounts.Testing;
using Microsoft.Extensions.Logging;

namespace Accounts.Notifications.Tests.SocketIo;

/// <summary>
/// The bridge against the original messages server (socket.io@4 in Node) and its browser side (socket.io-client@4,
/// one client per room): what a user's page receives, as it did when the Node workers emitted.
/// </summary>
public sealed class MessagesServerTests
{
    private readonly ListLogger<SocketIoBridge> _log = new();

    [Fact]
    public async Task AnOutcomeReachesTheClientInItsRoomAndNoOther()
    {
        Assert.SkipWhen(NodePath is null, "Node.js is not installed");
        await using var server = await MessagesServer.StartAsync(["u1_Verification", "u2_Verification"]);
        await using var bridge = await StartBridgeAsync(server.Url);

        await bridge.PublishAsync(Outcome("u1", "Verification", true, "Code sent"), TestContext.Current.CancellationToken);
        var response = await server.ResponseAsync("u1_Verification", "Code sent");
        await bridge.PublishAsync(Outcome("u2", "Verification", false, "Wrong code"), TestContext.Current.CancellationToken);
        await server.ResponseAsync("u2_Verification", "Wrong code");

        response["status"]!.GetValue<bool>().ShouldBeTrue();
        server.Responses("u2_Verification").Single()["status"]!.GetValue<bool>().ShouldBeFalse();

        // The server relays in the order it receives, so u1's outcome would have reached u2 before u2's own.
        server.ResponseTexts("u1_Verification").ShouldBe(["Code sent"]);
        server.ResponseTexts("u2_Verification").ShouldBe(["Wrong code"]);
        var received = server.ProfilesReceived()[0]!.AsObject();
        received.Select(property => property.Key).ShouldBe(["Id", "Status", "Message"]);
        received["Id"]!.GetValue<string>().ShouldBe("u1_Verification");
    }

    [Fact]
    public async Task AnObjectMessageArrivesIntact()
    {
        Assert.SkipWhen(NodePath is null, "Node.js is not installed");
        await using var server = await MessagesServer.StartAsync(["u7_Read_User"]);
        await using var bridge = await StartBridgeAsync(server.Url);
        var profile = JsonNode.Parse("""
            {"Phone":"+15551234567","Name":"Zoë \"Z\" O'Brien <b>\n","Image":null,"Verified":true,"Logins":3,
             "Emoji":"😀","Tags":["a","ü"],"Address":{"Lines":["1 Main St"],"Zip":"00501"}}
            """);

        await bridge.PublishAsync(new Outcome("u7", "Read_User", "42", true, profile, DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);

        var response = await server.ResponseAsync("u7_Read_User", profile);
        response["status"]!.GetValue<bool>().ShouldBeTrue();
        JsonNode.DeepEquals(response["message"], profile).ShouldBeTrue();
        _log.Entries.ShouldNotContain(entry => entry.Message.Contains("5551234567", StringComparison.Ordinal) || entry.Message.Contains("u7", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OutcomesPublishedWhileTheServerIsDownAreDeliveredInOrderOnceItIsUp()
    {
        Assert.SkipWhen(NodePath is null, "Node.js is not installed");
        await using var server = await MessagesServer.StartAsync(["u1_Update_User"]);
        await server.StopAsync();
        await using var bridge = await StartBridgeAsync(server.Url);

        foreach (var number in Enumerable.Range(1, 5))
        {
            await bridge.PublishAsync(Outcome("u1", "Update_User", true, $"update {number}"), TestContext.Current.CancellationToken);
        }

        await Eventually.TrueAsync(() => _log.WithEventId(7001).Count > 0, "the bridge has failed to connect");
        bridge.IsConnected.ShouldBeFalse();
        bridge.Pending.ShouldBe(5);
        await server.StartAgainAsync();

        await server.ResponseAsync("u1_Update_User", "update 5");
        server.ResponseTexts("u1_Update_User").ShouldBe(["update 1", "update 2", "update 3", "update 4", "update 5"]);
        bridge.Pending.ShouldBe(0);
    }

    [Fact]
    public async Task AfterAServerRestartTheBridgeReconnectsAndDelivers()
    {
        Assert.SkipWhen(NodePath is null, "Node.js is not installed");
        await using var server = await MessagesServer.StartAsync(["u3_Read_User"]);
        await using var bridge = await StartBridgeAsync(server.Url);
        await bridge.PublishAsync(Outcome("u3", "Read_User", true, "before"), TestContext.Current.CancellationToken);
        await server.ResponseAsync("u3_Read_User", "before");

        await server.StopAsync();
        await Eventually.TrueAsync(() => !bridge.IsConnected, "the bridge has seen the server go");
        await bridge.PublishAsync(Outcome("u3", "Read_User", true, "during"), TestContext.Current.CancellationToken);
        await server.StartAgainAsync();
        await server.ResponseAsync("u3_Read_User", "during");
        await bridge.PublishAsync(Outcome("u3", "Read_User", true, "after"), TestContext.Current.CancellationToken);
        await server.ResponseAsync("u3_Read_User", "after");

        server.ResponseTexts("u3_Read_User").ShouldBe(["before", "during", "after"]);
        _log.WithEventId(7002).ShouldHaveSingleItem().Level.ShouldBe(LogLevel.Warning);
        _log.WithEventId(7000).Count.ShouldBe(2);
    }

    [Fact]
    public async Task WhenTheBufferIsFullTheOldestOutcomesAreDroppedAndCounted()
    {
        Assert.SkipWhen(NodePath is null, "Node.js is not installed");
        await using var server = await MessagesServer.StartAsync(["u4_Verification"]);
        await server.StopAsync();
        await using var bridge = await StartBridgeAsync(server.Url, options => options.MaxBuffered = 3);

        foreach (var number in Enumerable.Range(1, 5))
        {
            await bridge.PublishAsync(Outcome("u4", "Verification", true, $"code {number}"), TestContext.Current.CancellationToken);
        }

        bridge.Pending.ShouldBe(3);
        await server.StartAgainAsync();
        await server.ResponseAsync("u4_Verification", "code 5");

        server.ResponseTexts("u4_Verification").ShouldBe(["code 3", "code 4", "code 5"]);

        // Warnings are spaced out, so the count may be split between the first drop and the reconnection.
        var drops = _log.WithEventId(7003);
        drops.ShouldAllBe(entry => entry.Level == LogLevel.Warning);
        drops.Sum(entry => Convert.ToInt64(entry.Values["Count"], System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(2);
        _log.Entries.ShouldNotContain(entry => entry.Message.Contains("code ", StringComparison.Ordinal) || entry.Message.Contains("u4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AServerThatChecksTheTokenRefusesTheBridgeWithoutItAndAdmitsItWithIt()
    {
        Assert.SkipWhen(NodePath is null, "Node.js is not installed");
        await using var server = await MessagesServer.StartAsync(["u5_Verification"], token: "s3cret-token");
        await using (var refused = await StartBridgeAsync(server.Url, options => options.AuthToken = "wrong-token"))
        {
            await refused.PublishAsync(Outcome("u5", "Verification", true, "not for you"), TestContext.Current.CancellationToken);
            await Eventually.TrueAsync(() => _log.WithEventId(7001).Count > 0, "the refused connection is logged");

            _log.WithEventId(7001)[0].Message.ShouldContain("refused: unauthorized");
            refused.IsConnected.ShouldBeFalse();
            refused.Pending.ShouldBe(1);
            await server.BridgeEventAsync("refused");
        }

        await using var admitted = await StartBridgeAsync(server.Url, options => options.AuthToken = "s3cret-token");
        await admitted.PublishAsync(Outcome("u5", "Verification", true, "welcome"), TestContext.Current.CancellationToken);

        await server.ResponseAsync("u5_Verification", "welcome");
        server.ResponseTexts("u5_Verification").ShouldBe(["welcome"]);
        _log.Entries.ShouldNotContain(entry => entry.Message.Contains("token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StoppingSendsWhatIsBufferedThenCloses()
    {
        Assert.SkipWhen(NodePath is null, "Node.js is not installed");
        await using var server = await MessagesServer.StartAsync(["u6_Delete_User"]);
        await using var bridge = await StartBridgeAsync(server.Url);
        await Eventually.TrueAsync(() => bridge.IsConnected, "the bridge is connected");

        foreach (var number in Enumerable.Range(1, 20))
        {
            await bridge.PublishAsync(Outcome("u6", "Delete_User", true, $"step {number}"), TestContext.Current.CancellationToken);
        }

        await bridge.StopAsync(TestContext.Current.CancellationToken);

        // Every outcome published before the stop reaches the page, the last ones included: they were sent before the
        // close, and the server handles the close only after dispatching what it read before.
        await server.BridgeEventAsync("disconnected");
        await server.ResponseAsync("u6_Delete_User", "step 20");
        server.ResponseTexts("u6_Delete_User").ShouldBe(Enumerable.Range(1, 20).Select(number => $"step {number}").ToList());
        bridge.Pending.ShouldBe(0);
        _log.WithEventId(7006).ShouldHaveSingleItem().Values["Pending"].ShouldBe(0);
    }

    private static string? NodePath => NodeProcess.NodePath;

    private static Outcome Outcome(string userId, string operation, bool status, string message) =>
        new(userId, operation, null, status, JsonValue.Create(message), DateTimeOffset.UtcNow);

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
