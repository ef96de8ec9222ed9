using Accounts.Notifications.SocketIo.Protocol;

namespace Accounts.Notifications.Tests.SocketIo.Protocol;

public sealed class EngineIoPacketTests
{
    [Fact]
    public void ReadsTheOpenPacketWithItsPingTimesAndMaxPayload()
    {
        EngineIoPacket.TryParse("""0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}""", out var packet)
            .ShouldBeTrue();

        packet.Type.ShouldBe(EngineIoPacketType.Open);
        var handshake = EngineIoHandshake.Parse(packet.Data);
        handshake.Sid.ShouldBe("lv_VI97HAXpY6yYWAAAC");
        handshake.PingInterval.ShouldBe(TimeSpan.FromSeconds(25));
        handshake.PingTimeout.ShouldBe(TimeSpan.FromSeconds(20));
        handshake.DeadAfter.ShouldBe(TimeSpan.FromSeconds(45));
        handshake.MaxPayload.ShouldBe(1_000_000);
    }

    [Fact]
    public void AnOpenPacketWithoutMaxPayloadGetsTheServersDefault()
    {
        var handshake = EngineIoHandshake.Parse("""{"sid":"a","upgrades":["websocket"],"pingInterval":300,"pingTimeout":200}""");

        handshake.MaxPayload.ShouldBe(1_000_000);
        handshake.DeadAfter.ShouldBe(TimeSpan.FromMilliseconds(500));
    }

    [Theory]
    [InlineData("""{"sid":"a","pingTimeout":20000}""", "pingInterval")]
    [InlineData("""{"sid":"a","pingInterval":25000,"pingTimeout":0}""", "pingTimeout")]
    [InlineData("""["not","an","object"]""", "not a JSON object")]
    [InlineData("""{"sid":""", "not valid JSON")]
    public void RejectsAnOpenPacketThatIsNotEngineIoV4(string data, string expected)
    {
        var error = Should.Throw<SocketIoProtocolException>(() => EngineIoHandshake.Parse(data));

        error.Message.ShouldContain(expected);
    }

    [Theory]
    [InlineData("2", "Ping", "")]
    [InlineData("3", "Pong", "")]
    [InlineData("1", "Close", "")]
    [InlineData("6", "Noop", "")]
    [InlineData("""42["Profile_Response",{}]""", "Message", """2["Profile_Response",{}]""")]
    public void ReadsTheTypeAndData(string frame, string type, string data)
    {
        EngineIoPacket.TryParse(frame, out var packet).ShouldBeTrue();

        packet.Type.ToString().ShouldBe(type);
        packet.Data.ShouldBe(data);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7")]
    [InlineData("x2")]
    public void IgnoresEmptyAndUnknownFrames(string frame) => EngineIoPacket.TryParse(frame, out _).ShouldBeFalse();

    [Fact]
    public void AnswersAPingWithAPong() => EngineIoPacket.Pong.ShouldBe("3");
}
