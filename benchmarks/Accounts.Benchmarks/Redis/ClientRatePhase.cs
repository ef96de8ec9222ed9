using System.Diagnostics;
using Accounts.Redis;

namespace Accounts.Benchmarks.Redis;

/// <summary>
/// Our client's side of a comparison: <c>clients</c> concurrent callers sharing one <see cref="IRedisCommands"/>
/// (the client's one multiplexed connection), <c>requests</c> in all, each caller sending <c>pipeline</c> commands
/// before it awaits their replies, and then the next batch: what redis-benchmark's -c, -n and -P do per connection.
/// </summary>
internal static class ClientRatePhase
{
    public static async Task<(int Completed, int Errors, TimeSpan Elapsed)> RunAsync(
        IRedisCommands redis, string command, RedisValue key, RedisValue value, string expected, int requests, int clients, int pipeline, CancellationToken cancellationToken)
    {
        var callers = new Task<int>[clients];
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < clients; i++)
        {
            // redis-benchmark's split: every client the same share, the first ones one more for the remainder.
            var share = (requests / clients) + (i < requests % clients ? 1 : 0);
            callers[i] = command == "SET"
                ? SetCallerAsync(redis, key, value, share, pipeline, cancellationToken)
                : GetCallerAsync(redis, key, expected, share, pipeline, cancellationToken);
        }

        var errors = (await Task.WhenAll(callers)).Sum();
        return (requests - errors, errors, Stopwatch.GetElapsedTime(started));
    }

    private static async Task<int> SetCallerAsync(IRedisCommands redis, RedisValue key, RedisValue value, int count, int pipeline, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var batch = new Task<bool>[pipeline];
        var errors = 0;
        for (var done = 0; done < count;)
        {
            var size = Math.Min(pipeline, count - done);
            for (var i = 0; i < size; i++)
            {
                batch[i] = redis.SetAsync(key, value, cancellationToken: cancellationToken);
            }

            for (var i = 0; i < size; i++)
            {
                try
                {
                    errors += await batch[i] ? 0 : 1;
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    errors++;
                }
            }

            done += size;
        }

        return errors;
    }

    private static async Task<int> GetCallerAsync(IRedisCommands redis, RedisValue key, string expected, int count, int pipeline, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var batch = new Task<string?>[pipeline];
        var errors = 0;
        for (var done = 0; done < count;)
        {
            var size = Math.Min(pipeline, count - done);
            for (var i = 0; i < size; i++)
            {
                batch[i] = redis.GetAsync(key, cancellationToken);
            }

            for (var i = 0; i < size; i++)
            {
                try
                {
                    errors += await batch[i] == expected ? 0 : 1;
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    errors++;
                }
            }

            done += size;
        }

        return errors;
    }
}
