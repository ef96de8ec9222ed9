using System.Text;
using Accounts.Bus.Kafka.Tests.Support;
using Accounts.Core.Verification;
using Confluent.Kafka;

namespace Accounts.Bus.Kafka.Tests;

/// <summary>The message format, without a broker.</summary>
public sealed class CodeRequestWireTests
{
    [Fact]
    public void WritesTheOriginalValueKeyedByTheRequestId()
    {
        var request = Requests.New(userId: "user-7", destination: "+15550100", id: "req-1", channel: DeliveryChannel.Sms, purpose: CodePurpose.PasswordReset);

        var message = CodeRequestWire.ToMessage(request);

        Encoding.UTF8.GetString(message.Key!).ShouldBe("req-1");
        // '+' is written as such (JSON.stringify's way), not as \u002B.
        Encoding.UTF8.GetString(message.Value!).ShouldBe("""{"Id":"user-7","Phone":"+15550100"}""");
        Header(message, "accounts-request-id").ShouldBe("req-1");
        Header(message, "accounts-channel").ShouldBe("sms");
        Header(message, "accounts-purpose").ShouldBe("password-reset");
    }

    [Fact]
    public void WritesTheRequestIdAsIdWhenNoAccountAskedForTheCode()
    {
        var message = CodeRequestWire.ToMessage(Requests.New(userId: null, destination: "ana+codes@example.com", id: "req-2", channel: DeliveryChannel.Email));

        Encoding.UTF8.GetString(message.Value!).ShouldBe("""{"Id":"req-2","Phone":"ana+codes@example.com"}""");
    }

    [Fact]
    public void ReadsTheOriginalProducersMessage()
    {
        var message = new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes("""{"Id":"u1","Phone":"+15550101","Token":"ignored"}""") };

        CodeRequestWire.TryRead(message, "Verification/0/7", out var read, out var problem).ShouldBeTrue(problem);

        read.ShouldBe(new CodeRequestMessage(null, "Verification/0/7", "u1", "+15550101"));
    }

    [Fact]
    public void ReadsTheRequestIdHeader()
    {
        var message = CodeRequestWire.ToMessage(Requests.New(userId: "u2", id: "req-3"));

        CodeRequestWire.TryRead(message, "t/1/2", out var read, out _).ShouldBeTrue();

        read.ShouldBe(new CodeRequestMessage("req-3", "t/1/2", "u2", "+15550100"));
    }

    [Fact]
    public void LeavesMissingFieldsToTheHandler()
    {
        var message = new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes("""{"Phone":null}""") };

        CodeRequestWire.TryRead(message, "t/0/0", out var read, out _).ShouldBeTrue();

        read.ShouldBe(new CodeRequestMessage(null, "t/0/0", null, null));
    }

    [Theory]
    [InlineData("not json", "the value is not JSON")]
    [InlineData("""{"Id":"u1",""", "the value is not JSON")]
    [InlineData("[1,2]", "the value is a JSON array, not an object")]
    [InlineData("\"text\"", "the value is a JSON string, not an object")]
    [InlineData("""{"Id":5,"Phone":"+15550100"}""", "the value's Id or Phone is not a string")]
    [InlineData("""{"Id":"u1","Phone":{"n":1}}""", "the value's Id or Phone is not a string")]
    [InlineData("", "the message has no value")]
    public void RefusesAValueNoHandlerCouldRead(string value, string reason)
    {
        var message = new Message<byte[]?, byte[]?> { Value = Encoding.UTF8.GetBytes(value) };

        CodeRequestWire.TryRead(message, "t/0/0", out _, out var problem).ShouldBeFalse();

        problem.ShouldBe(reason);
    }

    [Fact]
    public void RefusesARequestIdThatIsNotText()
    {
        var message = new Message<byte[]?, byte[]?>
        {
            Value = Encoding.UTF8.GetBytes("""{"Id":"u1"}"""),
            Headers = new Headers { { "accounts-request-id", [0xff, 0xfe] } },
        };

        CodeRequestWire.TryRead(message, "t/0/0", out _, out var problem).ShouldBeFalse();

        problem.ShouldBe("the accounts-request-id header is not UTF-8 text");
    }

    [Fact]
    public void DeadLetterKeepsTheMessageAndAddsWhyAndWhereFrom()
    {
        var original = CodeRequestWire.ToMessage(Requests.New(id: "req-4"));

        var dead = CodeRequestWire.ToDeadLetter(original, "no such request", "Verification/2/41");

        dead.Key.ShouldBe(original.Key);
        dead.Value.ShouldBe(original.Value);
        dead.Headers.Select(header => header.Key).ShouldBe(
            ["accounts-request-id", "accounts-channel", "accounts-purpose", "accounts-dlq-reason", "accounts-dlq-source"]);
        Header(dead, "accounts-dlq-reason").ShouldBe("no such request");
        Header(dead, "accounts-dlq-source").ShouldBe("Verification/2/41");
    }

    private static string Header(Message<byte[]?, byte[]?> message, string key) =>
        Encoding.UTF8.GetString(message.Headers.GetLastBytes(key));
}
