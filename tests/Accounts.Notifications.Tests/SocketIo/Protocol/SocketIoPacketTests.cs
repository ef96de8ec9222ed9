using System.Text.Json;
using System.Text.Json.Nodes;
using Accounts.Notifications.SocketIo;
using Accounts.Notifications.SocketIo.Protocol;

namespace Accounts.Notifications.Tests.SocketIo.Protocol;

public sealed class SocketIoPacketTests
{
    [Fact]
    public void ReadsTheConnectAcknowledgementAndItsSid()
    {
        EngineIoPacket.TryParse("""40{"sid":"wZX3oN0bSVIhsaknAAAI"}""", out var frame).ShouldBeTrue();

        SocketIoPacket.TryParse(frame.Data, out var packet).ShouldBeTrue();

        packet.Type.ShouldBe(SocketIoPacketType.Connect);
        packet.Namespace.ShouldBe("/");
        packet.AckId.ShouldBeNull();
        SocketIoPacket.ConnectedSid(packet.Data).ShouldBe("wZX3oN0bSVIhsaknAAAI");
    }

    [Theory]
    [InlineData("""4{"message":"unauthorized","data":{"code":401}}""", "unauthorized")]
    [InlineData("4\"Not authorized\"", "Not authorized")]
    [InlineData("4not json", "not json")]
    [InlineData("4", "no reason given")]
    public void ReadsWhyTheServerRefusedTheNamespace(string text, string reason)
    {
        SocketIoPacket.TryParse(text, out var packet).ShouldBeTrue();

        packet.Type.ShouldBe(SocketIoPacketType.ConnectError);
        SocketIoPacket.ConnectErrorReason(packet.Data).ShouldBe(reason);
    }

    [Fact]
    public void ShortensALongRefusalReason()
    {
        var reason = SocketIoPacket.ConnectErrorReason(JsonSerializer.Serialize(new { message = new string('x', 1000) }));

        reason.Length.ShouldBe(203);
        reason.ShouldEndWith("...");
    }

    [Theory]
    [InlineData("""2/admin,12["ev",1]""", "Event", "/admin", 12, """["ev",1]""")]
    [InlineData("1/admin,", "Disconnect", "/admin", null, "")]
    [InlineData("1", "Disconnect", "/", null, "")]
    [InlineData("""37[]""", "Ack", "/", 7, "[]")]
    [InlineData("""51-["ev",{"_placeholder":true,"num":0}]""", "BinaryEvent", "/", null, """["ev",{"_placeholder":true,"num":0}]""")]
    public void ReadsTheNamespaceAndAckId(string text, string type, string nsp, int? ackId, string data)
    {
        SocketIoPacket.TryParse(text, out var packet).ShouldBeTrue();

        packet.ShouldBe(new SocketIoPacket(Enum.Parse<SocketIoPacketType>(type), nsp, ackId, data));
    }

    [Theory]
    [InlineData("")]
    [InlineData("9")]
    [InlineData("5[\"no attachment count\"]")]
    public void RejectsWhatIsNotASocketIoPacket(string text) => SocketIoPacket.TryParse(text, out _).ShouldBeFalse();

    [Fact]
    public void ConnectsWithoutAuthWhenThereIsNoToken()
    {
        SocketIoPacket.ConnectFrame(null).ShouldBe("40");
        SocketIoPacket.ConnectFrame("").ShouldBe("40");
    }

    [Fact]
    public void ConnectsWithTheTokenAsAuthEscaped()
    {
        var frame = SocketIoPacket.ConnectFrame("a\"b\\c");

        frame.ShouldBe("""40{"token":"a\"b\\c"}""");
        JsonNode.Parse(frame[2..])!["token"]!.GetValue<string>().ShouldBe("a\"b\\c");
    }

    [Fact]
    public void EncodesAProfileEventAsTheOriginalWorkersDidWithJsonEscaping()
    {
        const string Text = "Line 1\nQuote \" Backslash \\ Tab \t Zoë 😀 <b> +15551234567 \u0001";
        var outcome = new Outcome("u1", "Verification", "7", true, JsonValue.Create(Text), DateTimeOffset.UnixEpoch);

        var frame = SocketIoBridge.EncodeProfile(outcome);

        frame.ShouldStartWith("""42["Profile",{"Id":"u1_Verification","Status":true,"Message":"Line 1\nQuote \" Backslash \\ Tab \t""");
        frame.ShouldNotContain('\n');
        frame.ShouldNotContain('\u0001');
        frame.ShouldContain("+15551234567", Case.Sensitive, "the frame is for JSON.parse, not HTML: nothing to gain from escaping +");
        var arguments = JsonNode.Parse(frame[2..])!.AsArray();
        arguments.Count.ShouldBe(2);
        arguments[0]!.GetValue<string>().ShouldBe("Profile");
        arguments[1]!.AsObject().Select(property => property.Key).ShouldBe(["Id", "Status", "Message"]);
        arguments[1]!["Message"]!.GetValue<string>().ShouldBe(Text);
    }

    [Fact]
    public void EncodesAnObjectMessageAsGivenAndLeavesTheOutcomeUntouched()
    {
        var message = JsonNode.Parse("""{"Phone":"+15551234567","Name":"Zoë \"Z\"","Image":null,"Tags":["a",1,true],"Nested":{"Deep":[{"X":1.5}]}}""")!;
        var outcome = new Outcome("u2", "Read_User", null, false, message, DateTimeOffset.UnixEpoch);

        var frame = SocketIoBridge.EncodeProfile(outcome);

        var payload = JsonNode.Parse(frame[2..])![1]!;
        payload["Id"]!.GetValue<string>().ShouldBe("u2_Read_User");
        payload["Status"]!.GetValue<bool>().ShouldBeFalse();
        JsonNode.DeepEquals(payload["Message"], message).ShouldBeTrue();
        message.Parent.ShouldBeNull();
    }

    [Fact]
    public void EncodesAMissingMessageAsNull()
    {
        var frame = SocketIoBridge.EncodeProfile(new Outcome("u3", "Delete_User", null, true, null, DateTimeOffset.UnixEpoch));

        frame.ShouldBe("""42["Profile",{"Id":"u3_Delete_User","Status":true,"Message":null}]""");
    }
}
