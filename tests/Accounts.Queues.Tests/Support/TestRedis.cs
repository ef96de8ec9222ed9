using Accounts.Redis;

namespace Accounts.Queues.Tests.Support;

/// <summary>
/// The Redis server of the Bull tests: <c>ACCOUNTS_TEST_REDIS</c> (host:port; ./test.sh starts one with
/// scripts/test-servers/redis.sh). Each test uses a key prefix of its own instead of flushing the server.
/// </summary>
internal static class TestRedis
{
    public const string EndpointVariable = "ACCOUNTS_TEST_REDIS";

    /// <summary>host:port; skips the test when the variable is not set.</summary>
    public static string Endpoint()
    {
        var endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
        Assert.SkipWhen(
            string.IsNullOrWhiteSpace(endpoint),
            $"{EndpointVariable} is not set (host:port of a Redis server for the Bull tests); ./test.sh sets it.");
        return endpoint!.Trim();
    }

    public static async Task<RedisClient> ConnectAsync() =>
        await RedisClient.ConnectAsync(RedisOptions.Parse(Endpoint()), cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>A Bull key prefix no other test uses.</summary>
    public static string UniquePrefix() => $"bull-test-{Guid.NewGuid():N}";
}
