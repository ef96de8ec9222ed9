using System.Text.Json.Nodes;
using Accounts.Core.Security;
using Accounts.Notifications;
using Accounts.Redis;
using Accounts.Security;

namespace Accounts.Server.Tests.Notifications;

/// <summary>What the feed and ticket tests share: outcomes, a real field protector, the test Redis.</summary>
internal static class NotificationTestSupport
{
    public static string? RedisEndpoint => Environment.GetEnvironmentVariable("ACCOUNTS_TEST_REDIS") is { Length: > 0 } endpoint ? endpoint : null;

    public static Outcome Outcome(string userId, string jobId, DateTimeOffset at, string operation = "Read_User", JsonNode? message = null) =>
        new(userId, operation, jobId, true, message ?? JsonValue.Create("done"), at);

    /// <summary>The production protector (AES-GCM, HMAC) on fresh keys; processes that share Redis share these.</summary>
    public static IFieldProtector NewProtector()
    {
        var directory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "accounts-notification-tests", Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            return new AesGcmFieldProtector(KeyRing.Load(new KeysOptions(), directory, out _));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A client on the test Redis (<c>ACCOUNTS_TEST_REDIS</c>, set by ./test.sh); the test is skipped without one.</summary>
    public static async Task<RedisClient> ConnectRedisAsync(string? name = null)
    {
        Assert.SkipWhen(RedisEndpoint is null, "ACCOUNTS_TEST_REDIS is not set (./test.sh sets it).");
        var options = RedisOptions.Parse(RedisEndpoint!);
        options.ClientName = name;
        return await RedisClient.ConnectAsync(options, cancellationToken: TestContext.Current.CancellationToken);
    }

    /// <summary>A key prefix of the test's own, so that tests running side by side never see each other's keys.</summary>
    public static string NewPrefix() => $"accounts_it_{Guid.NewGuid():N}:";
}
