using System.Text;
using System.Text.Json.Nodes;
using Accounts.Core.Security;
using Accounts.Notifications;
using Accounts.Redis;
using Accounts.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Accounts.Server.Tests.Notifications;

/// <summary>The Redis feed against the test Redis, each "process" a feed with a client of its own.</summary>
public sealed class RedisOutcomeFeedTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly string _prefix = NotificationTestSupport.NewPrefix();
    private readonly IFieldProtector _protector = NotificationTestSupport.NewProtector();
    private readonly NotificationOptions _options = new() { KeepFor = TimeSpan.FromMinutes(2), KeepPerUser = 3 };
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        // Feeds before clients: a feed unsubscribes through its client.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
    }

    [Fact]
    public async Task OutcomePublishedByOneProcessReachesTheSubscribersOfEvery()
    {
        var (worker, workerHeard) = await ListeningFeedAsync();
        var (hub, hubHeard) = await ListeningFeedAsync();

        await worker.PublishAsync(Outcome("ada", "1"), TestContext.Current.CancellationToken);
        await worker.PublishAsync(Outcome("bob", "2"), TestContext.Current.CancellationToken);

        await hubHeard.WaitForAsync("2");
        await workerHeard.WaitForAsync("2");
        // Its own outcomes come back to the publishing process through Redis, once, like everyone else's.
        hubHeard.JobIds.ShouldBe(["1", "2"]);
        workerHeard.JobIds.ShouldBe(["1", "2"]);
    }

    [Fact]
    public async Task RedisHoldsOutcomesEncryptedUnderABlindIndex()
    {
        var (feed, heard) = await ListeningFeedAsync();
        var redis = await ClientAsync();
        var raw = new List<string>();
        _owned.Add(await redis.SubscribeAsync([feed.Channel], (message, _) => { lock (raw) { raw.Add(message.PayloadAsString()); } return ValueTask.CompletedTask; }, TestContext.Current.CancellationToken));
        const string phone = "+15550100";

        await feed.PublishAsync(Outcome(phone, "1", new JsonObject { ["Phone"] = phone, ["Username"] = "ada" }), TestContext.Current.CancellationToken);
        await heard.WaitForAsync("1");

        var key = feed.KeptOutcomesKey(phone);
        key.ShouldStartWith(_prefix + "outcomes:");
        key.ShouldNotContain(phone);
        key.ShouldBe(_prefix + "outcomes:" + _protector.ComputeIndex("outcomes", phone));
        var stored = await redis.ListRangeAsync(key, cancellationToken: TestContext.Current.CancellationToken);
        stored.Length.ShouldBe(1);
        lock (raw)
        {
            raw.ShouldBe([stored[0]!]);
        }

        foreach (var clear in new[] { phone, "ada", "Read_User", "Phone" })
        {
            stored[0]!.ShouldNotContain(clear);
        }

        var kept = (await feed.RecentAsync(phone, TestContext.Current.CancellationToken)).ShouldHaveSingleItem();
        ((string?)kept.Message!["Phone"]).ShouldBe(phone);
    }

    [Fact]
    public async Task OnlyTheNewestKeepPerUserAreKeptAndTheListExpires()
    {
        var feed = await FeedAsync();
        var redis = await ClientAsync();
        foreach (var job in new[] { "1", "2", "3", "4", "5" })
        {
            await feed.PublishAsync(Outcome("ada", job), TestContext.Current.CancellationToken);
        }

        (await feed.RecentAsync("ada", TestContext.Current.CancellationToken)).Select(o => o.JobId).ShouldBe(["3", "4", "5"]);
        (await redis.ListLengthAsync(feed.KeptOutcomesKey("ada"), TestContext.Current.CancellationToken)).ShouldBe(3);
        var ttl = await redis.TimeToLiveAsync(feed.KeptOutcomesKey("ada"), TestContext.Current.CancellationToken);
        ttl.ShouldNotBeNull();
        ttl.Value.ShouldBeInRange(_options.KeepFor - TimeSpan.FromSeconds(30), _options.KeepFor);
    }

    [Fact]
    public async Task AnOutcomeIsKeptForKeepForAfterItWasProduced()
    {
        var feed = await FeedAsync();
        await feed.PublishAsync(Outcome("ada", "1"), TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await feed.PublishAsync(Outcome("ada", "2"), TestContext.Current.CancellationToken);

        _clock.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        (await feed.RecentAsync("ada", TestContext.Current.CancellationToken)).Select(o => o.JobId).ShouldBe(["1", "2"]);
        _clock.Advance(TimeSpan.FromTicks(1));
        (await feed.RecentAsync("ada", TestContext.Current.CancellationToken)).Select(o => o.JobId).ShouldBe(["2"]);
    }

    [Fact]
    public async Task ListeningResumesAfterTheSubscriberConnectionIsLost()
    {
        var name = $"notifications-test-{Guid.NewGuid():N}";
        var (hub, heard) = await ListeningFeedAsync(clientName: name);
        var worker = await FeedAsync();
        await worker.PublishAsync(Outcome("ada", "before"), TestContext.Current.CancellationToken);
        await heard.WaitForAsync("before");

        var admin = await ClientAsync();
        var killed = await KillSubscriberConnectionAsync(admin, name);
        killed.ShouldBe(1);

        // Redis stores nothing for a subscriber that is away: publish until the client has subscribed again.
        for (var attempt = 0; !heard.JobIds.Any(id => id!.StartsWith("after", StringComparison.Ordinal)); attempt++)
        {
            attempt.ShouldBeLessThan(100, "the feed did not hear outcomes again after its subscriber connection was killed");
            await worker.PublishAsync(Outcome("ada", $"after-{attempt}"), TestContext.Current.CancellationToken);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task OutcomeThisProcessCannotDecryptIsDropped()
    {
        var (hub, heard) = await ListeningFeedAsync();
        var stranger = await FeedAsync(NotificationTestSupport.NewProtector());
        var worker = await FeedAsync();

        await stranger.PublishAsync(Outcome("ada", "foreign"), TestContext.Current.CancellationToken);
        await worker.PublishAsync(Outcome("ada", "ours"), TestContext.Current.CancellationToken);

        await heard.WaitForAsync("ours");
        heard.JobIds.ShouldBe(["ours"]);
        (await hub.RecentAsync("ada", TestContext.Current.CancellationToken)).Select(o => o.JobId).ShouldBe(["ours"]);
    }

    [Fact]
    public async Task PublishingWhileRedisIsDownLosesTheOutcomeWithoutFailingThePublisher()
    {
        Assert.SkipWhen(NotificationTestSupport.RedisEndpoint is null, "ACCOUNTS_TEST_REDIS is not set (./test.sh sets it).");
        var unreachable = new RedisClient(RedisOptions.Parse($"127.0.0.1:{ServerProcess.FreePort()},connectTimeout=200,commandTimeout=300"));
        _owned.Add(unreachable);
        var feed = new RedisOutcomeFeed(unreachable, _prefix, _protector, _options, _clock, NullLogger<RedisOutcomeFeed>.Instance);
        _owned.Add(feed);

        await feed.PublishAsync(Outcome("ada", "1"), TestContext.Current.CancellationToken);
    }

    private static async Task<int> KillSubscriberConnectionAsync(RedisClient admin, string name)
    {
        var list = (await admin.ExecuteAsync("CLIENT", new RedisValue[] { "LIST", "TYPE", "pubsub" }, TestContext.Current.CancellationToken)).AsString()!;
        var ids = list.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ').Select(field => field.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1]))
            .Where(fields => fields.GetValueOrDefault("name") == name)
            .Select(fields => fields["id"])
            .ToList();
        foreach (var id in ids)
        {
            await admin.ExecuteAsync("CLIENT", new RedisValue[] { "KILL", "ID", id }, TestContext.Current.CancellationToken);
        }

        return ids.Count;
    }

    private Outcome Outcome(string userId, string jobId, JsonNode? message = null) =>
        NotificationTestSupport.Outcome(userId, jobId, _clock.GetUtcNow(), message: message);

    private async Task<RedisClient> ClientAsync(string? name = null)
    {
        var client = await NotificationTestSupport.ConnectRedisAsync(name);
        _owned.Add(client);
        return client;
    }

    private async Task<RedisOutcomeFeed> FeedAsync(IFieldProtector? protector = null, string? clientName = null)
    {
        var feed = new RedisOutcomeFeed(await ClientAsync(clientName), _prefix, protector ?? _protector, _options, _clock, NullLogger<RedisOutcomeFeed>.Instance);
        _owned.Add(feed);
        return feed;
    }

    private async Task<(RedisOutcomeFeed Feed, Heard Heard)> ListeningFeedAsync(string? clientName = null)
    {
        var feed = await FeedAsync(clientName: clientName);
        var heard = new Heard();
        feed.Subscribe(heard.OnOutcome);
        await feed.WhenListeningAsync(TestContext.Current.CancellationToken);
        return (feed, heard);
    }

    /// <summary>What one subscriber heard, in order.</summary>
    private sealed class Heard
    {
        private readonly List<Outcome> _outcomes = [];
        private readonly SemaphoreSlim _arrived = new(0);

        public IReadOnlyList<string?> JobIds
        {
            get
            {
                lock (_outcomes)
                {
                    return [.. _outcomes.Select(o => o.JobId)];
                }
            }
        }

        public Task OnOutcome(Outcome outcome)
        {
            lock (_outcomes)
            {
                _outcomes.Add(outcome);
            }

            _arrived.Release();
            return Task.CompletedTask;
        }

        public async Task WaitForAsync(string jobId)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            limit.CancelAfter(TimeSpan.FromSeconds(30));
            while (!JobIds.Contains(jobId))
            {
                await _arrived.WaitAsync(limit.Token);
            }
        }
    }
}
