using Accounts.Core.Throttling;
using Accounts.Testing;

namespace Accounts.Core.Tests;

public sealed class RateLimitCounterTests
{
    [Fact]
    public async Task CounterRefusesPastTheLimitUntilTheWindowEnds()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var counter = new InMemoryRateLimitCounter(clock);
        var window = TimeSpan.FromMinutes(10);
        var ct = TestContext.Current.CancellationToken;

        for (var i = 0; i < 3; i++)
        {
            (await counter.TryAcquireAsync("k", 3, window, ct)).ShouldBeNull();
        }

        clock.Advance(TimeSpan.FromMinutes(4));
        (await counter.TryAcquireAsync("k", 3, window, ct)).ShouldBe(TimeSpan.FromMinutes(6));
        (await counter.TryAcquireAsync("other", 3, window, ct)).ShouldBeNull();

        clock.Advance(TimeSpan.FromMinutes(6) - TimeSpan.FromSeconds(1));
        (await counter.TryAcquireAsync("k", 3, window, ct)).ShouldBe(TimeSpan.FromSeconds(1));

        clock.Advance(TimeSpan.FromSeconds(1));
        (await counter.TryAcquireAsync("k", 3, window, ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ConcurrentHitsNeverExceedTheLimit()
    {
        var counter = new InMemoryRateLimitCounter(new ManualTimeProvider());

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            Task.Run(() => counter.TryAcquireAsync("k", 50, TimeSpan.FromHours(1), TestContext.Current.CancellationToken), TestContext.Current.CancellationToken)));

        results.Count(r => r is null).ShouldBe(50);
    }
}
