using System.Collections.Concurrent;
using Accounts.Redis.Tests.Support;

namespace Accounts.Redis.Tests.Integration;

/// <summary>
/// A server of the test's own is killed and started again on the same port while the client is in use. The
/// server requires a password and the client uses database 3, so each new connection must run AUTH and SELECT again.
/// </summary>
public sealed class RestartTests : IAsyncLifetime
{
    private const string Password = "restart-test-password";
    private static readonly RedisScript Echo = new("return 'script:' .. ARGV[1]");

    private OwnRedisServer? _server;

    private OwnRedisServer Server => _server!;

    public async ValueTask InitializeAsync() => _server = await OwnRedisServer.StartAsync("--requirepass", Password);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task TrafficFailsCleanlyDuringARestartAndResumesOnItsOwn()
    {
        await using var client = await RedisClient.ConnectAsync(Options());
        var succeeded = 0;
        var failures = new ConcurrentQueue<Exception>();
        using var stop = new CancellationTokenSource();

        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await client.IncrementAsync($"counter:{worker}");
                    Interlocked.Increment(ref succeeded);
                }
                catch (Exception ex)
                {
                    failures.Enqueue(ex);
                }
            }
        })).ToArray();

        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref succeeded) > 200), "traffic flows");
        await Server.KillAsync();
        await Eventually.TrueAsync(() => Task.FromResult(!failures.IsEmpty), "commands fail while the server is down");
        await Server.StartAgainAsync();
        var afterRestart = Volatile.Read(ref succeeded);
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref succeeded) > afterRestart + 200), "traffic flows again");
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        // Every failure was a connection failure that says whether the command may have run; nothing else leaked.
        failures.ShouldAllBe(ex => ex is RedisConnectionException);
        failures.Cast<RedisConnectionException>().ShouldContain(ex => ex.MayHaveExecuted, "commands in flight at the kill");
        (await client.ExecuteAsync("CLIENT", "INFO")).AsString()!.ShouldContain(" db=3 ");
    }

    [Fact]
    public async Task CommandsWaitForTheReconnectionWithinTheCommandTimeout()
    {
        await using var impatient = await RedisClient.ConnectAsync(Options());
        await using var patient = await RedisClient.ConnectAsync(Options(o => o.CommandTimeout = TimeSpan.FromSeconds(20)));
        await Server.KillAsync();

        // Down: a command waits for a connection for the command timeout, then fails without having been sent. (The
        // first may still have been written to the dying socket before the client saw it close: skip that one.)
        await Should.ThrowAsync<RedisConnectionException>(() => impatient.PingAsync());
        var error = await Should.ThrowAsync<RedisConnectionException>(() => impatient.PingAsync());
        error.MayHaveExecuted.ShouldBeFalse();
        error.Message.ShouldContain("was not sent");

        // A command issued while down completes once the server is back, if that is within its timeout.
        var waiting = patient.SetAsync("after-restart", "yes");
        await Server.StartAgainAsync();
        (await waiting.Within("the waiting command")).ShouldBeTrue();
        (await impatient.GetAsync("after-restart")).ShouldBe("yes");
    }

    [Fact]
    public async Task InFlightCommandsFailWhenTheServerDies()
    {
        await using var client = await RedisClient.ConnectAsync(Options());
        await using var worker = await client.CreateDedicatedConnectionAsync();
        var blocked = worker.ExecuteAsync("BLPOP", "nothing-here", 0);
        await Eventually.TrueAsync(
            async () => (await client.ExecuteAsync("INFO", "clients")).AsString()!.Contains("blocked_clients:1", StringComparison.Ordinal),
            "BLPOP is blocked on the server");

        await Server.KillAsync();

        var error = await Should.ThrowAsync<RedisConnectionException>(() => blocked);
        error.MayHaveExecuted.ShouldBeTrue();
        error.Message.ShouldContain("may or may not have executed");
    }

    [Fact]
    public async Task AScriptRunsAfterTheRestartFlushedTheScriptCache()
    {
        await using var client = await RedisClient.ConnectAsync(Options());
        (await client.EvaluateAsync(Echo, args: new RedisValue[] { "before" })).AsString().ShouldBe("script:before");

        await Server.KillAsync();
        await Server.StartAgainAsync();

        var cached = await Eventually.SucceedsAsync(() => client.ExecuteAsync("SCRIPT", "EXISTS", Echo.Sha1));
        cached.AsArray()![0].AsInt64().ShouldBe(0, "the new server process has an empty script cache");
        (await client.EvaluateAsync(Echo, args: new RedisValue[] { "after" })).AsString().ShouldBe("script:after");
    }

    [Fact]
    public async Task ASubscriptionReceivesMessagesPublishedAfterTheRestart()
    {
        await using var client = await RedisClient.ConnectAsync(Options());
        var received = new ConcurrentQueue<string>();
        await using var subscription = await client.SubscribeAsync("events", (message, _) =>
        {
            received.Enqueue(message.PayloadAsString());
            return ValueTask.CompletedTask;
        });
        (await client.PublishAsync("events", "before")).ShouldBe(1);

        await Server.KillAsync();
        await Server.StartAgainAsync();

        // The subscriber reconnects on its own; once the server counts a subscriber again, messages flow.
        await Eventually.TrueAsync(async () => await Eventually.SucceedsAsync(() => client.PublishAsync("events", "after")) > 0, "the subscription is back");
        await Eventually.TrueAsync(() => Task.FromResult(received.Contains("after")), "the message published after the restart arrives");
        received.ShouldContain("before");
    }

    [Fact]
    public async Task AWrongPasswordIsReportedWithTheServersAnswer()
    {
        var options = Options(o =>
        {
            o.Password = "wrong";
            o.CommandTimeout = TimeSpan.FromMilliseconds(500);
        });

        var error = await Should.ThrowAsync<RedisConnectionException>(() => RedisClient.ConnectAsync(options));

        error.MayHaveExecuted.ShouldBeFalse();
        error.Message.ShouldContain("WRONGPASS");
        error.InnerException.ShouldBeOfType<RedisConnectionException>().InnerException.ShouldBeOfType<RedisServerException>().ErrorCode.ShouldBe("WRONGPASS");
    }

    private RedisOptions Options(Action<RedisOptions>? configure = null) => Server.Options(options =>
    {
        options.Password = Password;
        options.Database = 3;
        options.CommandTimeout = TimeSpan.FromSeconds(1);
        options.ReconnectBaseDelay = TimeSpan.FromMilliseconds(20);
        options.ReconnectMaxDelay = TimeSpan.FromMilliseconds(200);
        configure?.Invoke(options);
    });
}
