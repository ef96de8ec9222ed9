using Accounts.Redis.Tests.Support;

namespace Accounts.Redis.Tests.Integration;

/// <summary>Lua scripts by SHA1 against the shared server (a flushed cache is tested on a server of the test's own).</summary>
public sealed class ScriptTests
{
    private static readonly RedisScript IncrementWithLimit = new("""
        local current = redis.call('INCRBY', KEYS[1], ARGV[1])
        if current > tonumber(ARGV[2]) then
          redis.call('DECRBY', KEYS[1], ARGV[1])
          return {0, current - ARGV[1]}
        end
        return {1, current}
        """);

    private readonly string _prefix = TestServers.UniquePrefix("scripts");

    [Fact]
    public async Task RunsAScriptWithKeysAndArguments()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        var key = _prefix + "limited";
        RedisValue[] keys = [key];

        var first = await client.EvaluateAsync(IncrementWithLimit, keys, new RedisValue[] { 3, 5 });
        var second = await client.EvaluateAsync(IncrementWithLimit, keys, new RedisValue[] { 3, 5 });

        first.AsArray()!.Select(r => r.AsInt64()).ShouldBe([1L, 3L]);
        second.AsArray()!.Select(r => r.AsInt64()).ShouldBe([0L, 3L]);
    }

    [Fact]
    public async Task LoadsScriptsUnderTheSha1ItComputed()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        var script = new RedisScript($"return '{_prefix}'");

        (await client.LoadScriptAsync(script)).ShouldBe(script.Sha1);

        (await client.ExecuteAsync("SCRIPT", "EXISTS", script.Sha1)).AsArray()![0].AsInt64().ShouldBe(1);
        (await client.ExecuteAsync("EVALSHA", script.Sha1, 0)).AsString().ShouldBe(_prefix);
    }

    [Fact]
    public async Task RunsAScriptTheServerHasNeverSeen()
    {
        await using var client = await TestServers.ConnectSharedAsync();

        // A fresh source: its SHA1 cannot be cached yet, so EVALSHA answers NOSCRIPT and the client falls back to EVAL.
        var script = new RedisScript($"return ARGV[1] .. '{Guid.NewGuid():N}'");

        (await client.EvaluateAsync(script, args: new RedisValue[] { "x" })).AsString()!.ShouldStartWith("x");
        (await client.ExecuteAsync("SCRIPT", "EXISTS", script.Sha1)).AsArray()![0].AsInt64().ShouldBe(1);
    }

    [Fact]
    public async Task ReportsScriptErrorsAsServerErrors()
    {
        await using var client = await TestServers.ConnectSharedAsync();

        var error = await Should.ThrowAsync<RedisServerException>(() => client.EvaluateAsync(new RedisScript("return redis.call('NOPE')")));

        error.Message.ShouldNotBeNullOrEmpty();
        await client.PingAsync();
    }

    [Fact]
    public async Task RunsScriptsOnADedicatedConnection()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        await using var connection = await client.CreateDedicatedConnectionAsync();

        var reply = await connection.EvaluateAsync(IncrementWithLimit, new RedisValue[] { _prefix + "dedicated" }, new RedisValue[] { 2, 10 });

        reply.AsArray()!.Select(r => r.AsInt64()).ShouldBe([1L, 2L]);
    }
}
