using Accounts.Bus.Kafka.Tests.Support;
using Accounts.Core.Verification;

namespace Accounts.Bus.Kafka.Tests.Integration;

/// <summary>What becomes of the message in hand when the consumer stops.</summary>
public sealed class StopTests
{
    [Fact]
    public async Task AMessageAbandonedMidHandlingGoesToTheNextConsumer()
    {
        var options = TestBroker.Options("killed");
        var first = await TestBus.StartConsumingAsync(options);
        // The handler never finishes on its own: it is still working when the host gives up on stopping (as when the
        // process is killed, nothing is committed; unlike a kill, the consumer still leaves the group, so this is quick).
        first.Handler.Behavior = async (_, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return CodeRequestHandling.Done;
        };
        var request = Requests.New();
        await first.Publisher.PublishAsync(request, TestContext.Current.CancellationToken);
        var inHand = await first.Handler.NextAsync("the first consumer to take the message");

        // The host's stop timeout has already run out: the handler is abandoned.
        await first.StopAsync(new CancellationToken(canceled: true));
        await first.Consumer.Stopped.Within("the first consumer to close");
        await first.DisposeAsync();
        var (partition, _) = ConsumerTests.Position(inHand.DeliveryKey, options.Topic);
        TopicTools.Committed(options.BootstrapServers!, options.Topic, options.GroupId)[partition].ShouldBeLessThan(0);

        await using var second = await TestBus.StartAsync(options);

        var again = await second.Handler.NextAsync("the second consumer to get the message again");
        again.ShouldBe(inHand);
        again.RequestId.ShouldBe(request.Id);
    }

    [Fact]
    public async Task StoppingFinishesTheMessageInHandAndCommitsIt()
    {
        var options = TestBroker.Options("graceful");
        await using var bus = await TestBus.StartConsumingAsync(options);
        var release = new TaskCompletionSource();
        bus.Handler.Behavior = async (_, cancellationToken) =>
        {
            await release.Task.WaitAsync(cancellationToken);
            return CodeRequestHandling.Done;
        };
        await bus.Publisher.PublishAsync(Requests.New(), TestContext.Current.CancellationToken);
        var inHand = await bus.Handler.NextAsync("the message");

        var stopping = bus.StopAsync(TestContext.Current.CancellationToken);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        stopping.IsCompleted.ShouldBeFalse("the stop waits for the message in hand");
        release.SetResult();
        await stopping.Within("the stop");

        var (partition, offset) = ConsumerTests.Position(inHand.DeliveryKey, options.Topic);
        TopicTools.Committed(options.BootstrapServers!, options.Topic, options.GroupId)[partition].ShouldBe(offset + 1);
        bus.Logs.ShouldContain(line => line.Contains($"Left Kafka group {options.GroupId}"));
    }
}
