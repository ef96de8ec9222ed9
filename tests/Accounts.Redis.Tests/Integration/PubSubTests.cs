using System.Threading.Channels;
using Accounts.Redis.Tests.Support;

namespace Accounts.Redis.Tests.Integration;

public sealed class PubSubTests
{
    private readonly string _prefix = TestServers.UniquePrefix("pubsub");

    [Fact]
    public async Task ReceivesWhatIsPublished()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        var inbox = new Inbox();
        var channel = _prefix + "news";

        await using var subscription = await client.SubscribeAsync(channel, inbox.Handler);
        (await client.PublishAsync(channel, "hello")).ShouldBe(1);
        (await client.PublishAsync(channel, "world")).ShouldBe(1);

        var first = await inbox.NextAsync();
        first.Channel.ShouldBe(channel);
        first.Pattern.ShouldBeNull();
        first.PayloadAsString().ShouldBe("hello");
        (await inbox.NextAsync()).PayloadAsString().ShouldBe("world");
    }

    [Fact]
    public async Task DeliversBinaryPayloads()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        var inbox = new Inbox();
        var payload = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        await using var subscription = await client.SubscribeAsync(_prefix + "bytes", inbox.Handler);
        await client.PublishAsync(_prefix + "bytes", payload);

        (await inbox.NextAsync()).Payload.ToArray().ShouldBe(payload);
    }

    [Fact]
    public async Task StopsDeliveringOnceUnsubscribed()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        var stopped = new Inbox();
        var sentinel = new Inbox();
        var channel = _prefix + "stopped";
        await using var sentinelSubscription = await client.SubscribeAsync(_prefix + "sentinel", sentinel.Handler);
        var subscription = await client.SubscribeAsync(channel, stopped.Handler);
        await client.PublishAsync(channel, "before");
        (await stopped.NextAsync()).PayloadAsString().ShouldBe("before");

        await subscription.DisposeAsync();

        (await client.PublishAsync(channel, "after")).ShouldBe(0, "the server no longer has a subscriber");
        await client.PublishAsync(_prefix + "sentinel", "later");
        await sentinel.NextAsync(); // messages on one connection arrive in order: "after" would have come first
        stopped.Received.ShouldBe(1, "only \"before\" arrived");
    }

    [Fact]
    public async Task SubscribesToPatterns()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        var inbox = new Inbox();
        var pattern = _prefix + "events:*";

        await using var subscription = await client.SubscribeAsync(RedisChannel.Pattern(pattern), inbox.Handler);
        (await client.PublishAsync(_prefix + "events:completed", "job-1")).ShouldBe(1);
        (await client.PublishAsync(_prefix + "other", "ignored")).ShouldBe(0);

        var message = await inbox.NextAsync();
        message.Pattern.ShouldBe(pattern);
        message.Channel.ShouldBe(_prefix + "events:completed");
        message.PayloadAsString().ShouldBe("job-1");
    }

    [Fact]
    public async Task SharesAChannelBetweenSubscriptionsUntilTheLastLeaves()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        var one = new Inbox();
        var two = new Inbox();
        var channel = _prefix + "shared";

        var first = await client.SubscribeAsync(channel, one.Handler);
        var second = await client.SubscribeAsync([channel, _prefix + "second-only"], two.Handler);
        (await client.PublishAsync(channel, "both")).ShouldBe(1, "one server-side subscription serves both");
        (await one.NextAsync()).PayloadAsString().ShouldBe("both");
        (await two.NextAsync()).PayloadAsString().ShouldBe("both");

        await first.DisposeAsync();
        (await client.PublishAsync(channel, "second")).ShouldBe(1);
        (await two.NextAsync()).PayloadAsString().ShouldBe("second");

        await second.DisposeAsync();
        (await client.PublishAsync(channel, "nobody")).ShouldBe(0);
        (await client.PublishAsync(_prefix + "second-only", "nobody")).ShouldBe(0);
    }

    [Fact]
    public async Task KeepsDeliveringAfterAHandlerThrows()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        var inbox = new Inbox();
        var channel = _prefix + "faulty";

        await using var subscription = await client.SubscribeAsync(channel, async (message, token) =>
        {
            if (message.PayloadAsString() == "boom")
            {
                throw new InvalidOperationException("handler failure");
            }

            await inbox.Handler(message, token);
        });
        await client.PublishAsync(channel, "boom");
        await client.PublishAsync(channel, "fine");

        (await inbox.NextAsync()).PayloadAsString().ShouldBe("fine");
    }

    [Fact]
    public async Task ASlowHandlerDoesNotHoldUpOtherSubscriptions()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        var release = new TaskCompletionSource();
        var fast = new Inbox();

        await using var slow = await client.SubscribeAsync(_prefix + "slow", async (_, token) => await release.Task.WaitAsync(token));
        await using var quick = await client.SubscribeAsync(_prefix + "fast", fast.Handler);
        await client.PublishAsync(_prefix + "slow", "stuck");
        await client.PublishAsync(_prefix + "fast", "through");

        (await fast.NextAsync()).PayloadAsString().ShouldBe("through");
        release.SetResult();
    }

    /// <summary>Collects messages for the test to await one by one.</summary>
    private sealed class Inbox
    {
        private readonly Channel<RedisMessage> _messages = Channel.CreateUnbounded<RedisMessage>();
        private int _received;

        public int Received => Volatile.Read(ref _received);

        public ValueTask Handler(RedisMessage message, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _received);
            _messages.Writer.TryWrite(message);
            return ValueTask.CompletedTask;
        }

        public Task<RedisMessage> NextAsync() => _messages.Reader.ReadAsync().AsTask().Within("a message");
    }
}
