using Accounts.Redis.Tests.Support;

namespace Accounts.Redis.Tests.Integration;

/// <summary>The typed helpers and raw commands against the shared server.</summary>
public sealed class CommandTests : IAsyncLifetime
{
    private readonly string _prefix = TestServers.UniquePrefix("commands");
    private RedisClient? _client;

    private RedisClient Client => _client!;

    public async ValueTask InitializeAsync() => _client = await TestServers.ConnectSharedAsync();

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }

    [Fact]
    public async Task SetsAndGetsAValue()
    {
        var key = _prefix + "plain";

        (await Client.SetAsync(key, "value")).ShouldBeTrue();

        (await Client.GetAsync(key)).ShouldBe("value");
        (await Client.GetAsync(_prefix + "missing")).ShouldBeNull();
        (await Client.ExistsAsync(key)).ShouldBeTrue();
        (await Client.DeleteAsync(key)).ShouldBeTrue();
        (await Client.DeleteAsync(key)).ShouldBeFalse();
    }

    [Fact]
    public async Task SetsWithAnExpiryOnlyWhenAbsent()
    {
        var key = _prefix + "nx";

        (await Client.SetAsync(key, "first", TimeSpan.FromMinutes(1), SetCondition.IfNotExists)).ShouldBeTrue();
        (await Client.SetAsync(key, "second", TimeSpan.FromMinutes(1), SetCondition.IfNotExists)).ShouldBeFalse();
        (await Client.SetAsync(_prefix + "xx", "v", condition: SetCondition.IfExists)).ShouldBeFalse();

        (await Client.GetAsync(key)).ShouldBe("first");
        var ttl = (await Client.TimeToLiveAsync(key)).ShouldNotBeNull();
        ttl.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task ExpiresKeys()
    {
        var key = _prefix + "expiring";
        await Client.SetAsync(key, "v");

        (await Client.TimeToLiveAsync(key)).ShouldBeNull();
        (await Client.ExpireAsync(key, TimeSpan.FromSeconds(30))).ShouldBeTrue();
        (await Client.TimeToLiveAsync(key)).ShouldNotBeNull().ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(30));
        (await Client.ExpireAsync(_prefix + "missing", TimeSpan.FromSeconds(30))).ShouldBeFalse();
    }

    [Fact]
    public async Task CountsWithIncrements()
    {
        var key = _prefix + "counter";

        (await Client.IncrementAsync(key)).ShouldBe(1);
        (await Client.IncrementAsync(key, 10)).ShouldBe(11);
        (await Client.IncrementAsync(key, -20)).ShouldBe(-9);
        (await Client.ExecuteAsync("GET", key)).AsInt64().ShouldBe(-9);
    }

    [Fact]
    public async Task StoresHashes()
    {
        var key = _prefix + "hash";

        (await Client.HashSetAsync(key, "name", "ada")).ShouldBeTrue();
        (await Client.HashSetAsync(key, [new("name", "grace"), new("attempts", 2)])).ShouldBe(1);
        (await Client.HashIncrementAsync(key, "attempts", 3)).ShouldBe(5);

        (await Client.HashGetAsync(key, "name")).ShouldBe("grace");
        (await Client.HashGetAsync(key, "missing")).ShouldBeNull();
        (await Client.HashGetAllAsync(key)).ShouldBe(new Dictionary<string, string> { ["name"] = "grace", ["attempts"] = "5" }, ignoreOrder: true);
        (await Client.HashDeleteAsync(key, "name")).ShouldBeTrue();
        (await Client.HashGetAllAsync(_prefix + "no-hash")).ShouldBeEmpty();
    }

    [Fact]
    public async Task StoresLists()
    {
        var key = _prefix + "list";

        (await Client.ListRightPushAsync(key, "b")).ShouldBe(1);
        (await Client.ListRightPushAsync(key, "c")).ShouldBe(2);
        (await Client.ListLeftPushAsync(key, "a")).ShouldBe(3);
        await Client.ListRightPushAsync(key, "b");

        (await Client.ListRangeAsync(key)).ShouldBe(["a", "b", "c", "b"]);
        (await Client.ListRemoveAsync(key, 0, "b")).ShouldBe(2);
        (await Client.ListRangeAsync(key, 0, 0)).ShouldBe(["a"]);
        (await Client.ListLengthAsync(key)).ShouldBe(2);
    }

    [Fact]
    public async Task StoresSortedSets()
    {
        var key = _prefix + "zset";

        (await Client.SortedSetAddAsync(key, 3, "c")).ShouldBeTrue();
        (await Client.SortedSetAddAsync(key, 1, "a")).ShouldBeTrue();
        (await Client.SortedSetAddAsync(key, 2.5, "b")).ShouldBeTrue();
        (await Client.SortedSetAddAsync(key, 2, "b")).ShouldBeFalse();

        (await Client.SortedSetRangeByScoreAsync(key)).ShouldBe(["a", "b", "c"]);
        (await Client.SortedSetRangeByScoreAsync(key, 1.5, double.PositiveInfinity)).ShouldBe(["b", "c"]);
        (await Client.SortedSetRangeByScoreAsync(key, offset: 1, count: 1)).ShouldBe(["b"]);
        (await Client.SortedSetScoreAsync(key, "b")).ShouldBe(2);
        (await Client.SortedSetRemoveAsync(key, "b")).ShouldBeTrue();
        (await Client.SortedSetScoreAsync(key, "b")).ShouldBeNull();
    }

    [Fact]
    public async Task KeepsBinaryValuesIntact()
    {
        var key = _prefix + "binary";
        var value = Enumerable.Range(0, 256).Select(i => (byte)i).Concat("\r\n$-1\r\n*0\r\n"u8.ToArray()).ToArray();

        await Client.SetAsync(key, value);

        (await Client.GetBytesAsync(key)).ShouldBe(value);
    }

    [Fact]
    public async Task StoresAOneMebibyteValue()
    {
        var key = _prefix + "large";
        var value = new byte[1024 * 1024];
        Random.Shared.NextBytes(value);

        await Client.SetAsync(key, value);

        (await Client.GetBytesAsync(key)).ShouldBe(value);
        await Client.DeleteAsync(key);
    }

    [Fact]
    public async Task ReturnsNestedArraysAndNulls()
    {
        var reply = await Client.ExecuteAsync("EVAL", "return {1, 'two', {3, {'four'}}, redis.status_reply('FINE')}", 0);

        var items = reply.AsArray().ShouldNotBeNull();
        items[0].AsInt64().ShouldBe(1);
        items[1].AsString().ShouldBe("two");
        items[2].AsArray()![1].AsArray()![0].AsString().ShouldBe("four");
        items[3].Kind.ShouldBe(RedisResultKind.SimpleString);
        (await Client.ExecuteAsync("EVAL", "return nil", 0)).IsNull.ShouldBeTrue();
    }

    [Fact]
    public async Task ReportsServerErrorsAndStaysUsable()
    {
        var key = _prefix + "text";
        await Client.SetAsync(key, "not a number");

        var notANumber = await Should.ThrowAsync<RedisServerException>(() => Client.IncrementAsync(key));
        var wrongType = await Should.ThrowAsync<RedisServerException>(() => Client.ListLengthAsync(key));
        var unknown = await Should.ThrowAsync<RedisServerException>(() => Client.ExecuteAsync("NOSUCHCOMMAND", "x"));

        notANumber.ErrorCode.ShouldBe("ERR");
        notANumber.Message.ShouldContain("not an integer");
        wrongType.ErrorCode.ShouldBe("WRONGTYPE");
        unknown.Message.ShouldContain("unknown command");
        (await Client.GetAsync(key)).ShouldBe("not a number");
    }

    [Fact]
    public async Task ReportsErrorsNestedInArraysAsValues()
    {
        var reply = await Client.ExecuteAsync("EVAL", "return {1, redis.error_reply('MYERR nested')}", 0);

        var items = reply.AsArray().ShouldNotBeNull();
        items[1].Kind.ShouldBe(RedisResultKind.Error);
        items[1].AsString().ShouldBe("MYERR nested");
    }

    [Fact]
    public async Task RefusesCommandsThatWouldDisturbOtherCallers()
    {
        await Should.ThrowAsync<InvalidOperationException>(async () => await Client.ExecuteAsync("BLPOP", _prefix + "l", 1));
        await Should.ThrowAsync<InvalidOperationException>(async () => await Client.ExecuteAsync("MULTI"));
        await Should.ThrowAsync<InvalidOperationException>(async () => await Client.ExecuteAsync("SUBSCRIBE", "c"));
        await Client.PingAsync();
    }

    [Fact]
    public async Task NamesItsConnections()
    {
        var name = $"accounts-tests-{Guid.NewGuid():N}";
        await using var named = await TestServers.ConnectSharedAsync(options => options.ClientName = name);

        (await named.ExecuteAsync("CLIENT", "GETNAME")).AsString().ShouldBe(name);
    }
}
