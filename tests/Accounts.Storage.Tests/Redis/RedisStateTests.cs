using Accounts.Core;
using Accounts.Core.Sessions;
using Accounts.Storage.Redis;
using Accounts.Testing;

namespace Accounts.Storage.Tests.Redis;

/// <summary>The Redis rate-limit counter and token cache against a real redis-server.</summary>
public sealed class RedisStateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CountersAreSharedAndEndWithTheirWindow()
    {
        var (client, keys) = await RedisFixture.ConnectAsync();
        await using var _ = client;
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero));
        var processA = new RedisRateLimitCounter(client, keys, clock);
        var processB = new RedisRateLimitCounter(client, keys, clock);
        var window = TimeSpan.FromMinutes(10);

        (await processA.TryAcquireAsync("k", 2, window, Ct)).ShouldBeNull();
        (await processB.TryAcquireAsync("k", 2, window, Ct)).ShouldBeNull();
        clock.Advance(TimeSpan.FromMinutes(3));
        (await processA.TryAcquireAsync("k", 2, window, Ct)).ShouldBe(TimeSpan.FromMinutes(7));

        clock.Advance(TimeSpan.FromMinutes(7));
        (await processB.TryAcquireAsync("k", 2, window, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ConcurrentHitsNeverExceedTheLimit()
    {
        var (client, keys) = await RedisFixture.ConnectAsync();
        await using var _ = client;
        var counter = new RedisRateLimitCounter(client, keys, new ManualTimeProvider());

        var results = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => counter.TryAcquireAsync("k", 100, TimeSpan.FromHours(1), Ct)));

        results.Count(r => r is null).ShouldBe(100);
    }

    [Fact]
    public async Task CachedTokenIsSharedUntilItsSessionIsDropped()
    {
        var (client, keys) = await RedisFixture.ConnectAsync();
        await using var _ = client;
        var now = DateTimeOffset.UtcNow;
        var processA = new RedisTokenCache(client, keys, new TokenOptions());
        var processB = new RedisTokenCache(client, keys, new TokenOptions());
        var token = new CachedToken("user-1", "session-1", now.AddMinutes(15));

        await processA.SetAsync("hash-1", token, now, Ct);
        await processA.SetAsync("hash-2", token with { SessionId = "session-2" }, now, Ct);
        (await processB.GetAsync("hash-1", Ct)).ShouldBe(new CachedToken("user-1", "session-1", DateTimeOffset.FromUnixTimeMilliseconds(token.ExpiresAt.ToUnixTimeMilliseconds())));

        await processB.DropSessionAsync("session-1", now, Ct);

        (await processA.GetAsync("hash-1", Ct)).ShouldBeNull();
        (await processA.GetAsync("hash-2", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task TokenOfADroppedSessionCannotBeCachedAgain()
    {
        var (client, keys) = await RedisFixture.ConnectAsync();
        await using var _ = client;
        var now = DateTimeOffset.UtcNow;
        var cache = new RedisTokenCache(client, keys, new TokenOptions());

        // Process B revokes the session while process A, which read it as live a moment earlier, is about to cache.
        await cache.DropSessionAsync("session-1", now, Ct);
        await cache.SetAsync("hash-1", new CachedToken("user-1", "session-1", now.AddMinutes(15)), now.AddMilliseconds(-5), Ct);

        (await cache.GetAsync("hash-1", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task DroppingAUserKeepsOnlyTheSessionItSpares()
    {
        var (client, keys) = await RedisFixture.ConnectAsync();
        await using var _ = client;
        var now = DateTimeOffset.UtcNow;
        var cache = new RedisTokenCache(client, keys, new TokenOptions());
        await cache.SetAsync("a", new CachedToken("user-1", "keep", now.AddMinutes(15)), now, Ct);
        await cache.SetAsync("b", new CachedToken("user-1", "drop", now.AddMinutes(15)), now, Ct);
        await cache.SetAsync("c", new CachedToken("user-2", "other", now.AddMinutes(15)), now, Ct);

        await cache.DropUserAsync("user-1", "keep", now, Ct);

        (await cache.GetAsync("a", Ct)).ShouldNotBeNull();
        (await cache.GetAsync("b", Ct)).ShouldBeNull();
        (await cache.GetAsync("c", Ct)).ShouldNotBeNull();

        // A session of the user read before the revocation is not cached after it.
        await cache.SetAsync("d", new CachedToken("user-1", "late", now.AddMinutes(15)), now.AddSeconds(-1), Ct);
        (await cache.GetAsync("d", Ct)).ShouldBeNull();

        // Well after it, new sessions are cached as usual.
        var later = now + RedisTokenCache.ClockAllowance + TimeSpan.FromSeconds(1);
        await cache.SetAsync("e", new CachedToken("user-1", "new", later.AddMinutes(15)), later, Ct);
        (await cache.GetAsync("e", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task CachedTokensExpireWithTheToken()
    {
        var (client, keys) = await RedisFixture.ConnectAsync();
        await using var _ = client;
        var now = DateTimeOffset.UtcNow;
        var cache = new RedisTokenCache(client, keys, new TokenOptions());

        await cache.SetAsync("short", new CachedToken("user-1", "s", now.AddMilliseconds(200)), now, Ct);
        (await cache.GetAsync("short", Ct)).ShouldNotBeNull();
        await Task.Delay(400, Ct);

        (await cache.GetAsync("short", Ct)).ShouldBeNull();
    }
}
