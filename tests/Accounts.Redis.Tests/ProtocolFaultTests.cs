using Accounts.Redis.Tests.Support;

namespace Accounts.Redis.Tests;

/// <summary>How the client pairs replies with commands, checked against a scripted peer (no Redis needed).</summary>
public sealed class ProtocolFaultTests : IAsyncLifetime
{
    private readonly FakeRedisServer _server = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task PipelinesCommandsAndPairsRepliesInOrder()
    {
        await using var client = new RedisClient(_server.Options());
        var peer = await _server.AcceptAsync();

        var a = client.GetAsync("a");
        var b = client.GetAsync("b");
        var c = client.IncrementAsync("c");

        // All three are on the wire before any reply.
        (await peer.ReadCommandAsync()).ShouldBe(["GET", "a"]);
        (await peer.ReadCommandAsync()).ShouldBe(["GET", "b"]);
        (await peer.ReadCommandAsync()).ShouldBe(["INCR", "c"]);
        await peer.WriteAsync("$1\r\nA\r\n$-1\r\n:7\r\n");

        (await a).ShouldBe("A");
        (await b).ShouldBeNull();
        (await c).ShouldBe(7);
    }

    [Fact]
    public async Task ACancelledCallerDoesNotTakeTheNextCallersReply()
    {
        await using var client = new RedisClient(_server.Options());
        var peer = await _server.AcceptAsync();
        using var cancel = new CancellationTokenSource();

        var abandoned = client.GetAsync("first", cancel.Token);
        var kept = client.GetAsync("second");
        (await peer.ReadCommandAsync()).ShouldBe(["GET", "first"]);
        (await peer.ReadCommandAsync()).ShouldBe(["GET", "second"]);
        await cancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => abandoned);

        await peer.WriteAsync("$5\r\nfirst\r\n$6\r\nsecond\r\n");

        (await kept).ShouldBe("second");
    }

    [Fact]
    public async Task ATimeoutDropsTheConnectionAndFailsWhatWasBehindIt()
    {
        await using var client = new RedisClient(_server.Options(o => o.CommandTimeout = TimeSpan.FromMilliseconds(200)));
        var peer = await _server.AcceptAsync();

        var slow = client.GetAsync("slow");
        var behind = client.GetAsync("behind");
        (await peer.ReadCommandAsync()).ShouldBe(["GET", "slow"]);
        (await peer.ReadCommandAsync()).ShouldBe(["GET", "behind"]);

        // The peer never answers: a command times out and the connection goes, failing the other one with it
        // (both timers are 200 ms, so either may fire first).
        var errors = new[] { await Record.ExceptionAsync(() => slow), await Record.ExceptionAsync(() => behind) };
        errors.ShouldContain(error => error is RedisTimeoutException);
        errors.ShouldAllBe(error => error is RedisTimeoutException || error is RedisConnectionException && ((RedisConnectionException)error).MayHaveExecuted);
        (await peer.ClosedByClientAsync()).ShouldBeTrue();

        // A late reply on the old connection can no longer reach anyone; a new connection serves new commands.
        var next = await _server.AcceptAsync();
        var fresh = client.GetAsync("fresh");
        (await next.ReadCommandAsync()).ShouldBe(["GET", "fresh"]);
        await next.WriteAsync("$3\r\nnew\r\n");
        (await fresh).ShouldBe("new");
    }

    [Fact]
    public async Task AReplyThatNoCommandAskedForDropsTheConnection()
    {
        await using var client = new RedisClient(_server.Options());
        var peer = await _server.AcceptAsync();

        await peer.WriteAsync("+UNASKED\r\n");

        (await peer.ClosedByClientAsync()).ShouldBeTrue();
        var next = await _server.AcceptAsync();
        var ping = client.PingAsync();
        (await next.ReadCommandAsync()).ShouldBe(["PING"]);
        await next.WriteAsync("+PONG\r\n");
        await ping;
    }

    [Fact]
    public async Task GarbageFailsTheCommandsInFlightWithTheProtocolError()
    {
        await using var client = new RedisClient(_server.Options());
        var peer = await _server.AcceptAsync();

        var get = client.GetAsync("k");
        (await peer.ReadCommandAsync()).ShouldBe(["GET", "k"]);
        await peer.WriteAsync("~not resp2\r\n");

        var error = await Should.ThrowAsync<RedisConnectionException>(() => get);
        error.InnerException.ShouldBeOfType<RedisProtocolException>();
    }

    [Fact]
    public async Task RunsTheHandshakeOnEveryConnection()
    {
        await using var client = new RedisClient(_server.Options(o =>
        {
            o.User = "accounts";
            o.Password = "pw";
            o.Database = 4;
            o.ClientName = "api";
        }));

        for (var round = 0; round < 2; round++)
        {
            var peer = await _server.AcceptHandshakeAsync();
            (await peer.ReadCommandAsync()).ShouldBe(["AUTH", "accounts", "pw"]);
            (await peer.ReadCommandAsync()).ShouldBe(["SELECT", "4"]);
            (await peer.ReadCommandAsync()).ShouldBe(["CLIENT", "SETNAME", "api"]);
            (await peer.ReadCommandAsync()).ShouldBe(["PING"]);
            await peer.WriteAsync("+OK\r\n+OK\r\n+OK\r\n+PONG\r\n");
            peer.Dispose(); // the server goes away: the client must do it all again
        }
    }

    [Fact]
    public async Task ScriptsFallBackToEvalOnNoscript()
    {
        await using var client = new RedisClient(_server.Options());
        var peer = await _server.AcceptAsync();
        var script = new RedisScript("return KEYS[1]");

        var result = client.EvaluateAsync(script, new RedisValue[] { "k" }, new RedisValue[] { "a" });
        (await peer.ReadCommandAsync()).ShouldBe(["EVALSHA", script.Sha1, "1", "k", "a"]);
        await peer.WriteAsync("-NOSCRIPT No matching script. Please use EVAL.\r\n");
        (await peer.ReadCommandAsync()).ShouldBe(["EVAL", script.Source, "1", "k", "a"]);
        await peer.WriteAsync("$1\r\nk\r\n");

        (await result).AsString().ShouldBe("k");
    }
}
