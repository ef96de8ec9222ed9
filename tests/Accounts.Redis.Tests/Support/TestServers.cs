namespace Accounts.Redis.Tests.Support;

/// <summary>
/// Where the integration tests find Redis: <c>ACCOUNTS_TEST_REDIS</c> (host:port) is a server shared by all tests
/// (./test.sh starts one with scripts/test-servers/redis.sh); <c>ACCOUNTS_TEST_REDIS_SERVER</c>, or redis-server on
/// the PATH, is the binary for tests that need a server of their own to restart or stall.
/// </summary>
internal static class TestServers
{
    public const string EndpointVariable = "ACCOUNTS_TEST_REDIS";
    public const string BinaryVariable = "ACCOUNTS_TEST_REDIS_SERVER";

    /// <summary>Options for the shared server; skips the test when it is not configured.</summary>
    public static RedisOptions SharedOptions()
    {
        var endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
        Assert.SkipWhen(
            string.IsNullOrWhiteSpace(endpoint),
            $"{EndpointVariable} is not set (host:port of a Redis server for tests); ./test.sh sets it.");
        return RedisOptions.Parse(endpoint!);
    }

    /// <summary>A client of the shared server; skips the test when it is not configured.</summary>
    public static async Task<RedisClient> ConnectSharedAsync(Action<RedisOptions>? configure = null)
    {
        var options = SharedOptions();
        configure?.Invoke(options);
        return await RedisClient.ConnectAsync(options, cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>The redis-server binary; skips the test when there is none.</summary>
    public static string ServerBinary()
    {
        var configured = Environment.GetEnvironmentVariable(BinaryVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            Assert.SkipUnless(File.Exists(configured), $"{BinaryVariable} names {configured}, which does not exist.");
            return configured;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "redis-server"))
            .FirstOrDefault(File.Exists);
        Assert.SkipWhen(onPath is null, $"No redis-server: set {BinaryVariable} or put redis-server on the PATH (./test.sh does).");
        return onPath!;
    }

    /// <summary>A key prefix no other test uses, so tests can share a server without flushing it.</summary>
    public static string UniquePrefix(string test) => $"accounts-redis-tests:{test}:{Guid.NewGuid():N}:";
}
