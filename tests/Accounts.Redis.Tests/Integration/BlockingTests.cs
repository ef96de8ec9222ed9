using Accounts.Redis.Tests.Support;

namespace Accounts.Redis.Tests.Integration;

/// <summary>Blocking commands and transactions on dedicated connections, as a Bull worker runs them.</summary>
public sealed class BlockingTests
{
    private readonly string _prefix = TestServers.UniquePrefix("blocking");

    [Fact]
    public async Task BlockingPopWaitsForAPushWhileTheSharedConnectionKeepsServing()
    {
        var name = $"accounts-tests-blocked-{Guid.NewGuid():N}";
        await using var client = await TestServers.ConnectSharedAsync(options => options.ClientName = name);
        await using var worker = await client.CreateDedicatedConnectionAsync();
        var wait = _prefix + "wait";
        var active = _prefix + "active";

        var popped = worker.BlockingRightPopLeftPushAsync(wait, active, TimeSpan.FromSeconds(20));

        // The server itself reports the dedicated connection blocked in BRPOPLPUSH...
        await Eventually.TrueAsync(
            async () => (await client.ExecuteAsync("CLIENT", "LIST")).AsString()!
                .Split('\n')
                .Any(line => line.Contains($"name={name}", StringComparison.Ordinal) && line.Contains("cmd=brpoplpush", StringComparison.Ordinal)),
            "the dedicated connection is blocked");

        // ...while the shared connection goes on answering.
        for (var i = 0; i < 200; i++)
        {
            (await client.IncrementAsync(_prefix + "meanwhile")).ShouldBe(i + 1);
        }

        popped.IsCompleted.ShouldBeFalse();

        await client.ListLeftPushAsync(wait, "job-1");

        (await popped.Within("BRPOPLPUSH to return")).ShouldBe("job-1");
        (await client.ListRangeAsync(active)).ShouldBe(["job-1"]);
    }

    [Fact]
    public async Task ABlockLongerThanTheCommandTimeoutIsNotATimeout()
    {
        await using var client = await TestServers.ConnectSharedAsync(options => options.CommandTimeout = TimeSpan.FromMilliseconds(300));
        await using var worker = await client.CreateDedicatedConnectionAsync();

        // BRPOPLPUSH blocks 1 s on an empty list, more than three times the command timeout, then answers null.
        var popped = await worker.BlockingRightPopLeftPushAsync(_prefix + "empty", _prefix + "active", TimeSpan.FromSeconds(1));

        popped.ShouldBeNull();
        await worker.PingAsync();
    }

    [Fact]
    public async Task CancellingABlockedCommandFreesTheConnectionForTheNext()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        await using var worker = await client.CreateDedicatedConnectionAsync();
        using var cancel = new CancellationTokenSource();

        var popped = worker.ExecuteAsync("BLPOP", new RedisValue[] { _prefix + "never", 0 }, cancel.Token);
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => popped);
        await client.ListRightPushAsync(_prefix + "later", "x");
        var next = await Eventually.SucceedsAsync(() => worker.ExecuteAsync("BLPOP", _prefix + "later", 5));
        next.AsStringArray().ShouldBe([_prefix + "later", "x"]);
    }

    [Fact]
    public async Task RunsTransactionsOnADedicatedConnection()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        await using var connection = await client.CreateDedicatedConnectionAsync();
        var key = _prefix + "tx";

        await connection.ExecuteAsync("WATCH", key);
        await connection.ExecuteAsync("MULTI");
        (await connection.ExecuteAsync("SET", key, "1")).AsString().ShouldBe("QUEUED");
        (await connection.ExecuteAsync("INCR", key)).AsString().ShouldBe("QUEUED");
        var results = await connection.ExecuteAsync("EXEC");

        results.AsStringArray().ShouldBe(["OK", "2"]);
    }

    [Fact]
    public async Task ATransactionAbortsWhenAWatchedKeyChanges()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        await using var connection = await client.CreateDedicatedConnectionAsync();
        var key = _prefix + "watched";

        await connection.ExecuteAsync("WATCH", key);
        await client.SetAsync(key, "changed elsewhere");
        await connection.ExecuteAsync("MULTI");
        await connection.ExecuteAsync("SET", key, "mine");

        (await connection.ExecuteAsync("EXEC")).IsNull.ShouldBeTrue();
        (await client.GetAsync(key)).ShouldBe("changed elsewhere");
    }

    [Fact]
    public async Task DisposingTheClientClosesItsDedicatedConnections()
    {
        var client = await TestServers.ConnectSharedAsync();
        var worker = await client.CreateDedicatedConnectionAsync();
        var popped = worker.ExecuteAsync("BLPOP", _prefix + "never", 0);

        await client.DisposeAsync();

        var error = await Should.ThrowAsync<RedisConnectionException>(() => popped);
        error.MayHaveExecuted.ShouldBeTrue();
        await Should.ThrowAsync<ObjectDisposedException>(() => worker.PingAsync());
    }
}
