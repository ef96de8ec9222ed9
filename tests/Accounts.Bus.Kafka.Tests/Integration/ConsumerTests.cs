using Accounts.Bus.Kafka.Tests.Support;
using Accounts.Core.Verification;

namespace Accounts.Bus.Kafka.Tests.Integration;

/// <summary>Each message reaches the handler, and its offset is committed only once the handler has returned.</summary>
public sealed class ConsumerTests
{
    [Fact]
    public async Task HandsEachMessageToTheHandlerThenCommitsIt()
    {
        var options = TestBroker.Options("consume");
        await using var bus = await TestBus.StartConsumingAsync(options);
        var handled = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        bus.Handler.Behavior = async (_, cancellationToken) =>
        {
            handled.TrySetResult();
            await release.Task.WaitAsync(cancellationToken);
            return CodeRequestHandling.Done;
        };
        var request = Requests.New(userId: "user-c", destination: "+15550177");

        await bus.Publisher.PublishAsync(request, TestContext.Current.CancellationToken);

        var message = await bus.Handler.NextAsync("the message");
        message.RequestId.ShouldBe(request.Id);
        message.UserId.ShouldBe("user-c");
        message.Phone.ShouldBe("+15550177");
        var (partition, offset) = Position(message.DeliveryKey, options.Topic);
        await handled.Task.Within("the handler to run");
        // The handler has not returned: nothing is committed yet.
        TopicTools.Committed(options.BootstrapServers!, options.Topic, options.GroupId)[partition].ShouldBeLessThan(0);

        release.SetResult();

        await Eventually(() => TopicTools.Committed(options.BootstrapServers!, options.Topic, options.GroupId)[partition] == offset + 1, "the commit");
        bus.Logs.ShouldNotContain(line => line.Contains("+15550177"));
    }

    [Fact]
    public async Task ReadsAnotherProducersMessageByItsPosition()
    {
        var options = TestBroker.Options("foreign");
        await using var bus = await TestBus.StartConsumingAsync(options);

        var delivery = await TopicTools.ProduceAsync(options.BootstrapServers!, options.Topic, "anything", """{"Id":"legacy-1","Phone":"+15550199"}"""u8.ToArray());

        var message = await bus.Handler.NextAsync("the message");
        message.ShouldBe(new CodeRequestMessage(null, $"{options.Topic}/{delivery.Partition.Value}/{delivery.Offset.Value}", "legacy-1", "+15550199"));
    }

    internal static (int Partition, long Offset) Position(string deliveryKey, string topic)
    {
        deliveryKey.ShouldStartWith(topic + "/");
        var parts = deliveryKey[(topic.Length + 1)..].Split('/');
        return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    internal static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TestBroker.Bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
