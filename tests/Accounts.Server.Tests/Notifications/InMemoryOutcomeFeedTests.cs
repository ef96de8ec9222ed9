using Accounts.Notifications;
using Accounts.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Accounts.Server.Tests.Notifications;

public sealed class InMemoryOutcomeFeedTests
{
    private readonly ManualTimeProvider _clock = new();
    private readonly NotificationOptions _options = new() { KeepFor = TimeSpan.FromMinutes(2), KeepPerUser = 3 };

    [Fact]
    public async Task SubscribersGetEveryOutcomeUntilTheyUnsubscribe()
    {
        var feed = NewFeed();
        var received = new List<string?>();
        var subscription = feed.Subscribe(o => { received.Add(o.JobId); return Task.CompletedTask; });

        await feed.PublishAsync(Outcome("ada", "1"), TestContext.Current.CancellationToken);
        await feed.PublishAsync(Outcome("bob", "2"), TestContext.Current.CancellationToken);
        subscription.Dispose();
        await feed.PublishAsync(Outcome("ada", "3"), TestContext.Current.CancellationToken);

        received.ShouldBe(["1", "2"]);
    }

    [Fact]
    public async Task ASubscriberThatFailsDoesNotStopTheOthers()
    {
        var feed = NewFeed();
        var received = new List<string?>();
        using var failing = feed.Subscribe(_ => throw new InvalidOperationException("broken"));
        using var working = feed.Subscribe(o => { received.Add(o.JobId); return Task.CompletedTask; });

        await feed.PublishAsync(Outcome("ada", "1"), TestContext.Current.CancellationToken);

        received.ShouldBe(["1"]);
    }

    [Fact]
    public async Task RecentOutcomesAreKeptPerUserOldestFirst()
    {
        var feed = NewFeed();
        await feed.PublishAsync(Outcome("ada", "1"), TestContext.Current.CancellationToken);
        await feed.PublishAsync(Outcome("bob", "2"), TestContext.Current.CancellationToken);
        await feed.PublishAsync(Outcome("ada", "3"), TestContext.Current.CancellationToken);

        (await feed.RecentAsync("ada", TestContext.Current.CancellationToken)).Select(o => o.JobId).ShouldBe(["1", "3"]);
        (await feed.RecentAsync("bob", TestContext.Current.CancellationToken)).Select(o => o.JobId).ShouldBe(["2"]);
        (await feed.RecentAsync("eve", TestContext.Current.CancellationToken)).ShouldBeEmpty();
    }

    [Fact]
    public async Task OnlyTheNewestKeepPerUserAreKept()
    {
        var feed = NewFeed();
        foreach (var job in new[] { "1", "2", "3", "4", "5" })
        {
            await feed.PublishAsync(Outcome("ada", job), TestContext.Current.CancellationToken);
        }

        (await feed.RecentAsync("ada", TestContext.Current.CancellationToken)).Select(o => o.JobId).ShouldBe(["3", "4", "5"]);
    }

    [Fact]
    public async Task AnOutcomeIsKeptForKeepForAfterItWasProduced()
    {
        var feed = NewFeed();
        await feed.PublishAsync(Outcome("ada", "1"), TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await feed.PublishAsync(Outcome("ada", "2"), TestContext.Current.CancellationToken);

        _clock.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        (await feed.RecentAsync("ada", TestContext.Current.CancellationToken)).Select(o => o.JobId).ShouldBe(["1", "2"]);

        _clock.Advance(TimeSpan.FromTicks(1));
        (await feed.RecentAsync("ada", TestContext.Current.CancellationToken)).Select(o => o.JobId).ShouldBe(["2"]);

        _clock.Advance(TimeSpan.FromMinutes(1));
        (await feed.RecentAsync("ada", TestContext.Current.CancellationToken)).ShouldBeEmpty();
    }

    private InMemoryOutcomeFeed NewFeed() => new(_options, _clock, NullLogger<InMemoryOutcomeFeed>.Instance);

    private Outcome Outcome(string userId, string jobId) => NotificationTestSupport.Outcome(userId, jobId, _clock.GetUtcNow());
}
