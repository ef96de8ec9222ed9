using System.Collections.Concurrent;
using Accounts.Redis.Tests.Support;

namespace Accounts.Redis.Tests.Integration;

/// <summary>Many callers on the one shared connection: every command runs once and every reply reaches its own caller.</summary>
public sealed class PipeliningTests
{
    private readonly string _prefix = TestServers.UniquePrefix("pipelining");

    [Fact]
    public async Task TenThousandConcurrentIncrementsAllCount()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        var key = _prefix + "counter";

        // 100 tasks, each firing 100 increments without awaiting in between: up to 10,000 in flight at once.
        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            var mine = Enumerable.Range(0, 100).Select(_ => client.IncrementAsync(key)).ToList();
            return await Task.WhenAll(mine);
        })));

        (await client.GetAsync(key)).ShouldBe("10000");

        // Each INCR saw a different value: no reply went to two callers, none was lost.
        results.SelectMany(r => r).Order().ShouldBe(Enumerable.Range(1, 10_000).Select(i => (long)i));
    }

    [Fact]
    public async Task ConcurrentReadsEachGetTheirOwnValue()
    {
        await using var client = await TestServers.ConnectSharedAsync();
        var keys = Enumerable.Range(0, 2000).Select(i => $"{_prefix}key:{i}").ToArray();
        await Task.WhenAll(keys.Select((key, i) => client.SetAsync(key, $"value-{i}")));

        var bag = new ConcurrentBag<(int Index, string? Value)>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var reads = keys.Select((key, i) => (i, task: client.GetAsync(key))).Where(x => x.i % 8 == worker).ToList();
            foreach (var (i, task) in reads)
            {
                bag.Add((i, await task));
            }
        })));

        bag.Count.ShouldBe(keys.Length);
        bag.ShouldAllBe(read => read.Value == $"value-{read.Index}");
    }
}
