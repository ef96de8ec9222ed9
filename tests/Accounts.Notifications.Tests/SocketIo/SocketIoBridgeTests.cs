using System.Text.Json.Nodes;
using Accounts.Notifications.SocketIo;
using Accounts.Notifications.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Accounts.Notifications.Tests.SocketIo;

/// <summary>What the bridge does on its own, with no server to talk to.</summary>
public sealed class SocketIoBridgeTests
{
    private readonly ListLogger<SocketIoBridge> _log = new();

    [Fact]
    public async Task StartReturnsAtOnceAndPublishQueuesWhileNothingListens()
    {
        await using var bridge = Bridge();

        var starting = bridge.StartAsync(TestContext.Current.CancellationToken);
        await bridge.PublishAsync(Outcome(JsonValue.Create("queued")), TestContext.Current.CancellationToken);

        starting.IsCompletedSuccessfully.ShouldBeTrue();
        await Eventually.TrueAsync(() => _log.WithEventId(7001).Count > 0, "the failed attempt is logged");
        _log.WithEventId(7001)[0].Level.ShouldBe(LogLevel.Warning);
        bridge.IsConnected.ShouldBeFalse();
        bridge.Pending.ShouldBe(1);
    }

    [Fact]
    public async Task AMessageThatCannotBeEncodedIsDroppedWithoutThrowingOrQuotingIt()
    {
        await using var bridge = Bridge();

        // JSON has no NaN.
        var message = new JsonObject { ["Phone"] = "+15551234567", ["Score"] = double.NaN };
        await bridge.PublishAsync(Outcome(message), TestContext.Current.CancellationToken);

        bridge.Pending.ShouldBe(0);
        var entry = _log.WithEventId(7005).ShouldHaveSingleItem();
        entry.Level.ShouldBe(LogLevel.Error);
        entry.Message.ShouldNotContain("5551234567");
        entry.Values["Operation"].ShouldBe("Verification");
    }

    [Fact]
    public async Task ACancelledPublishQueuesNothing()
    {
        await using var bridge = Bridge();

        await Should.ThrowAsync<OperationCanceledException>(() => bridge.PublishAsync(Outcome(null), new CancellationToken(canceled: true)));

        bridge.Pending.ShouldBe(0);
    }

    [Fact]
    public async Task StoppingWhileDisconnectedReturnsAndCountsWhatWasNotSent()
    {
        await using var bridge = Bridge();
        await bridge.StartAsync(TestContext.Current.CancellationToken);
        await bridge.PublishAsync(Outcome(null), TestContext.Current.CancellationToken);
        await bridge.PublishAsync(Outcome(null), TestContext.Current.CancellationToken);

        await bridge.StopAsync(TestContext.Current.CancellationToken);

        _log.WithEventId(7006).ShouldHaveSingleItem().Values["Pending"].ShouldBe(2);
    }

    // Port 9 (discard) on loopback: nothing listens there in a test environment, so every attempt fails at once.
    private SocketIoBridge Bridge() => new(new SocketIoOptions { Url = "http://127.0.0.1:9", ReconnectDelay = TimeSpan.FromMilliseconds(50), MaxReconnectDelay = TimeSpan.FromMilliseconds(100) }, _log);

    private static Outcome Outcome(JsonNode? message) => new("u1", "Verification", "1", true, message, DateTimeOffset.UnixEpoch);
}
