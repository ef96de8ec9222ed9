using System.Diagnostics;
using Accounts.Bus.Kafka.Tests.Support;

namespace Accounts.Bus.Kafka.Tests.Integration;

public sealed class TopicTests
{
    [Fact]
    public async Task TheTopicsAreCreatedAtStart()
    {
        var options = TestBroker.Options("create");
        TopicTools.Topics(options.BootstrapServers!).ShouldNotContain(options.Topic);

        await using var bus = await TestBus.StartAsync(options);

        await bus.Topics.Ready.Within("the topics to be created");
        var topics = TopicTools.Topics(options.BootstrapServers!);
        topics.ShouldContain(options.Topic);
        topics.ShouldContain(options.DeadLetterTopic);
    }

    [Fact]
    public async Task TheHostStartsAndStopsWithoutABroker()
    {
        var options = TestBroker.Options($"127.0.0.1:{TestBroker.ClosedPort()}", "no-broker");
        var clock = Stopwatch.StartNew();

        await using var bus = await TestBus.StartAsync(options);

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        bus.Topics.Ready.IsCompleted.ShouldBeFalse();
        await bus.StopAsync(TestContext.Current.CancellationToken).Within("the host to stop");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }
}
