using Accounts.Redis.Tests.Support;

namespace Accounts.Redis.Tests.Integration;

/// <summary>A real server kept busy by a Lua loop (a server of the test's own, so no other test waits for it).</summary>
public sealed class TimeoutTests : IAsyncLifetime
{
    /// <summary>Holds the server for ARGV[1] milliseconds: Redis runs one script at a time and nothing else meanwhile.</summary>
    private static readonly RedisScript Busy = new("""
        local function now() local t = redis.call('TIME') return tonumber(t[1]) * 1000000 + tonumber(t[2]) end
        local deadline = now() + tonumber(ARGV[1]) * 1000
        while now() < deadline do end
        return 'done'
        """);

    private OwnRedisServer? _server;

    private OwnRedisServer Server => _server!;

    public async ValueTask InitializeAsync() => _server = await OwnRedisServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task ACommandOverTheTimeoutFailsAndTheClientRecovers()
    {
        await using var client = await RedisClient.ConnectAsync(Server.Options(o =>
        {
            o.CommandTimeout = TimeSpan.FromMilliseconds(250);
            o.ReconnectBaseDelay = TimeSpan.FromMilliseconds(20);
            o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(100);
        }));
        await client.LoadScriptAsync(Busy);

        var busy = client.EvaluateAsync(Busy, args: new RedisValue[] { 1500 });
        var behind = client.PingAsync();

        // One of them times out (both timers are 250 ms; either may fire first) and takes the connection, and the
        // other, with it.
        var errors = new[] { await Record.ExceptionAsync(() => busy), await Record.ExceptionAsync(() => behind) };
        errors.ShouldContain(error => error is RedisTimeoutException);
        errors.ShouldAllBe(error => error is RedisTimeoutException || error is RedisConnectionException && ((RedisConnectionException)error).MayHaveExecuted);

        // Once the server is free again, the replacement connection serves as before.
        await Eventually.SucceedsAsync(async () =>
        {
            await client.PingAsync();
            return true;
        });
        await client.SetAsync("after-timeout", "ok");
        (await client.GetAsync("after-timeout")).ShouldBe("ok");
    }

    [Fact]
    public async Task ACancelledCallerOnAStalledServerDoesNotDisturbTheOthers()
    {
        await using var client = await RedisClient.ConnectAsync(Server.Options());
        await client.SetAsync("first", "1");
        await client.SetAsync("second", "2");
        using var cancel = new CancellationTokenSource();

        // All pipelined behind a 300 ms script (EVAL, not EVALSHA: a NOSCRIPT round trip would let the GETs overtake
        // it): the first GET's caller gives up long before its reply comes.
        var busy = client.ExecuteAsync("EVAL", Busy.Source, 0, 300);
        var abandoned = client.GetAsync("first", cancel.Token);
        var kept = client.GetAsync("second");
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => abandoned);
        (await busy).AsString().ShouldBe("done");
        (await kept).ShouldBe("2");
        (await client.GetAsync("first")).ShouldBe("1");
    }

    [Fact]
    public async Task ACancelledTokenSendsNothing()
    {
        await using var client = await RedisClient.ConnectAsync(Server.Options());

        await Should.ThrowAsync<OperationCanceledException>(() => client.SetAsync("never", "x", cancellationToken: new CancellationToken(true)));

        (await client.ExistsAsync("never")).ShouldBeFalse();
    }
}
