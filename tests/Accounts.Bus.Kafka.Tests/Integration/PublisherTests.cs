using System.Diagnostics;
using System.Text.Json;
using Accounts.Bus.Kafka.Tests.Support;
using Accounts.Core.Verification;

namespace Accounts.Bus.Kafka.Tests.Integration;

public sealed class PublisherTests
{
    [Fact]
    public async Task APublishedRequestReachesTheTopicInTheOriginalFormat()
    {
        var options = TestBroker.Options("publish");
        await using var bus = await TestBus.StartAsync(options);
        var request = Requests.New(userId: "user-42", destination: "+15550142", channel: DeliveryChannel.WhatsApp, purpose: CodePurpose.Register);

        await bus.Publisher.PublishAsync(request, TestContext.Current.CancellationToken);

        var record = (await TopicTools.ReadAsync(options.BootstrapServers!, options.Topic, 1)).Single();
        record.Key.ShouldBe(request.Id);
        record.Text.ShouldBe("""{"Id":"user-42","Phone":"+15550142"}""");
        record.Headers.ShouldBe([("accounts-request-id", request.Id), ("accounts-channel", "whatsapp"), ("accounts-purpose", "register")]);
        bus.Logs.ShouldNotContain(line => line.Contains("+15550142"));
    }

    [Fact]
    public async Task CopiesOfOneRequestLandInOnePartitionInOrder()
    {
        var options = TestBroker.Options("same-key");
        await using var bus = await TestBus.StartAsync(options);
        var id = Guid.NewGuid().ToString("N");

        for (var copy = 0; copy < 3; copy++)
        {
            await bus.Publisher.PublishAsync(Requests.New(userId: $"copy-{copy}", id: id), TestContext.Current.CancellationToken);
        }

        var records = await TopicTools.ReadAsync(options.BootstrapServers!, options.Topic, 3);
        records.Select(record => record.Partition).Distinct().Count().ShouldBe(1);
        records.OrderBy(record => record.Offset).Select(record => record.Text)
            .ShouldBe(["""{"Id":"copy-0","Phone":"+15550100"}""", """{"Id":"copy-1","Phone":"+15550100"}""", """{"Id":"copy-2","Phone":"+15550100"}"""]);
    }

    [Fact]
    public async Task KcatReadsBackWhatWasPublished()
    {
        Kcat.Binary();
        var options = TestBroker.Options("kcat");
        await using var bus = await TestBus.StartAsync(options);
        var request = Requests.New(userId: "user-kcat", destination: "ana@example.com", channel: DeliveryChannel.Email, purpose: CodePurpose.ChangeContact);

        await bus.Publisher.PublishAsync(request, TestContext.Current.CancellationToken);

        var envelope = (await Kcat.ReadAsync(options.BootstrapServers!, options.Topic)).Single();
        envelope.GetProperty("key").GetString().ShouldBe(request.Id);
        envelope.GetProperty("payload").GetString().ShouldBe("""{"Id":"user-kcat","Phone":"ana@example.com"}""");
        envelope.GetProperty("headers").EnumerateArray().Select(item => item.GetString()).ShouldBe(
            ["accounts-request-id", request.Id, "accounts-channel", "email", "accounts-purpose", "change-contact"]);
        JsonDocument.Parse(envelope.GetProperty("payload").GetString()!).RootElement.EnumerateObject().Select(p => p.Name).ShouldBe(["Id", "Phone"]);
    }

    [Fact]
    public async Task PublishingWithoutABrokerThrowsWithinThePublishTimeout()
    {
        // No broker needed: nothing listens on this port.
        var options = TestBroker.Options($"127.0.0.1:{TestBroker.ClosedPort()}", "unreachable", o => o.PublishTimeout = TimeSpan.FromSeconds(1));
        await using var bus = await TestBus.StartAsync(options);
        var clock = Stopwatch.StartNew();

        var error = await Should.ThrowAsync<KafkaPublishException>(() => bus.Publisher.PublishAsync(Requests.New(), TestContext.Current.CancellationToken));

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        error.Message.ShouldContain(options.Topic);
        error.Message.ShouldNotContain("+15550100");
    }
}
