using System.Text;
using Accounts.Bus.Kafka.Tests.Support;
using Accounts.Core.Verification;

namespace Accounts.Bus.Kafka.Tests.Integration;

/// <summary>A message that can never be handled is set aside with its reason, and the consumer goes on.</summary>
public sealed class DeadLetterTests
{
    [Fact]
    public async Task AValueThatIsNotJsonIsSetAsideWithoutTheHandler()
    {
        var options = TestBroker.Options("not-json");
        await using var bus = await TestBus.StartConsumingAsync(options);

        var bad = await TopicTools.ProduceAsync(options.BootstrapServers!, options.Topic, "same-key", "not json"u8.ToArray(), ("origin", "legacy"));
        await TopicTools.ProduceAsync(options.BootstrapServers!, options.Topic, "same-key", """{"Id":"after","Phone":"+15550111"}"""u8.ToArray());

        (await bus.Handler.NextAsync("the good message after the bad one")).UserId.ShouldBe("after");
        var dead = (await TopicTools.ReadAsync(options.BootstrapServers!, options.DeadLetterTopic, 1)).Single();
        dead.Key.ShouldBe("same-key");
        dead.Value.ShouldBe("not json"u8.ToArray());
        dead.Header("origin").ShouldBe("legacy");
        dead.Header("accounts-dlq-reason").ShouldBe("the value is not JSON");
        dead.Header("accounts-dlq-source").ShouldBe($"{options.Topic}/{bad.Partition.Value}/{bad.Offset.Value}");
        bus.Handler.Calls.Count.ShouldBe(1);
        await ConsumerTests.Eventually(
            () => TopicTools.Committed(options.BootstrapServers!, options.Topic, options.GroupId)[bad.Partition.Value] == bad.Offset.Value + 2, "the commit of both");
    }

    [Fact]
    public async Task APoisonVerdictSetsTheMessageAsideWithItsReason()
    {
        var options = TestBroker.Options("poison");
        await using var bus = await TestBus.StartConsumingAsync(options);
        bus.Handler.Behavior = (message, _) => Task.FromResult(
            message.UserId == "poison" ? CodeRequestHandling.Poison("no such request: +15550123") : CodeRequestHandling.Done);
        var id = Guid.NewGuid().ToString("N");
        var poison = Requests.New(userId: "poison", id: id);

        await bus.Publisher.PublishAsync(poison, TestContext.Current.CancellationToken);
        await bus.Publisher.PublishAsync(Requests.New(userId: "fine", id: id), TestContext.Current.CancellationToken);

        var first = await bus.Handler.NextAsync("the poison message");
        (await bus.Handler.NextAsync("the next message")).UserId.ShouldBe("fine");
        var dead = (await TopicTools.ReadAsync(options.BootstrapServers!, options.DeadLetterTopic, 1)).Single();
        dead.Key.ShouldBe(id);
        dead.Text.ShouldBe("""{"Id":"poison","Phone":"+15550100"}""");
        dead.Header("accounts-request-id").ShouldBe(id);
        dead.Header("accounts-channel").ShouldBe("whatsapp");
        dead.Header("accounts-dlq-reason").ShouldBe("no such request: +15550123");
        dead.Header("accounts-dlq-source").ShouldBe(first.DeliveryKey);
        // The reason may quote a destination: it is in the header only, never in the log.
        bus.Logs.ShouldNotContain(line => line.Contains("+15550123"));
        bus.Logs.ShouldContain(line => line.Contains("[8226]"));
        Encoding.UTF8.GetString(dead.Value!).ShouldNotBeEmpty();
    }
}
