using Accounts.Bus.Kafka.Tests.Support;
using Accounts.Core.Verification;

namespace Accounts.Bus.Kafka.Tests.Integration;

/// <summary>A handler failure is passing: the message comes again, and the partition's later messages wait for it.</summary>
public sealed class RetryTests
{
    [Fact]
    public async Task AFailedMessageIsDeliveredAgainBeforeTheNextOne()
    {
        var options = TestBroker.Options("retry");
        await using var bus = await TestBus.StartConsumingAsync(options);
        var failures = 0;
        bus.Handler.Behavior = (message, _) =>
            message.UserId == "first" && Interlocked.Increment(ref failures) <= 2
                ? throw new DeliveryFailedException("provider down", retryable: true)
                : Task.FromResult(CodeRequestHandling.Done);
        // One request id, so one partition: the second copy must wait for the first.
        var id = Guid.NewGuid().ToString("N");
        await bus.Publisher.PublishAsync(Requests.New(userId: "first", id: id), TestContext.Current.CancellationToken);
        await bus.Publisher.PublishAsync(Requests.New(userId: "second", id: id), TestContext.Current.CancellationToken);

        var calls = new List<CodeRequestMessage>();
        for (var call = 0; call < 4; call++)
        {
            calls.Add(await bus.Handler.NextAsync($"call {call + 1}"));
        }

        calls.Select(call => call.UserId).ShouldBe(["first", "first", "first", "second"]);
        calls.Take(3).Select(call => call.DeliveryKey).Distinct().Count().ShouldBe(1);
        var (partition, offset) = ConsumerTests.Position(calls[3].DeliveryKey, options.Topic);
        await ConsumerTests.Eventually(
            () => TopicTools.Committed(options.BootstrapServers!, options.Topic, options.GroupId)[partition] == offset + 1, "the commit of both");
        bus.Logs.Count(line => line.Contains("[8224]")).ShouldBe(2);
    }
}
