using Accounts.Notifications;
using Microsoft.Extensions.Logging.Abstractions;

namespace Accounts.Server.Tests.Notifications;

public sealed class OutcomePublisherTests
{
    [Fact]
    public async Task EverySinkGetsTheOutcomeEvenWhenOneFails()
    {
        var first = new RecordingSink();
        var last = new RecordingSink();
        var publisher = new OutcomePublisher([first, new FailingSink(), new ThrowingSink(), last], NullLogger<OutcomePublisher>.Instance);
        var outcome = NotificationTestSupport.Outcome("ada", "1", DateTimeOffset.UnixEpoch);

        await publisher.PublishAsync(outcome, TestContext.Current.CancellationToken);

        first.Received.ShouldBe([outcome]);
        last.Received.ShouldBe([outcome]);
    }

    [Fact]
    public async Task CancellationIsNotSwallowed()
    {
        var publisher = new OutcomePublisher([new RecordingSink()], NullLogger<OutcomePublisher>.Instance);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() =>
            publisher.PublishAsync(NotificationTestSupport.Outcome("ada", "1", DateTimeOffset.UnixEpoch), cancelled.Token));
    }

    private sealed class RecordingSink : IOutcomeSink
    {
        public List<Outcome> Received { get; } = [];

        public Task PublishAsync(Outcome outcome, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Received.Add(outcome);
            return Task.CompletedTask;
        }
    }

    private sealed class FailingSink : IOutcomeSink
    {
        public async Task PublishAsync(Outcome outcome, CancellationToken cancellationToken)
        {
            await Task.Yield();
            throw new InvalidOperationException("down");
        }
    }

    /// <summary>Throws before returning a task at all.</summary>
    private sealed class ThrowingSink : IOutcomeSink
    {
        public Task PublishAsync(Outcome outcome, CancellationToken cancellationToken) => throw new InvalidOperationException("broken");
    }
}
