using Accounts.Redis;
using Accounts.Storage.Redis;

namespace Accounts.Storage.Tests.Redis;

/// <summary>
/// A client on the test Redis (<c>ACCOUNTS_TEST_REDIS</c>, set by ./test.sh) and a key prefix of the test's own,
/// so tests never see each other's keys; skipped where no Redis is configured.
/// </summary>
internal static class RedisFixture
{
    public static string? Endpoint => Environment.GetEnvironmentVariable("ACCOUNTS_TEST_REDIS");

    public static async Task<(RedisClient Client, RedisKeys Keys)> ConnectAsync()
    {
        Assert.SkipWhen(string.IsNullOrEmpty(Endpoint), "ACCOUNTS_TEST_REDIS is not set (./test.sh sets it).");
        var client = await RedisClient.ConnectAsync(RedisOptions.Parse(Endpoint!), cancellationToken: TestContext.Current.CancellationToken);
        return (client, new RedisKeys($"test:{Guid.NewGuid():N}:"));
    }
}
