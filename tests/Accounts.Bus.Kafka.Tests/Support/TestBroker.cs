using System.Net;
using System.Net.Sockets;

namespace Accounts.Bus.Kafka.Tests.Support;

/// <summary>
/// Where the integration tests find Kafka: <c>ACCOUNTS_TEST_KAFKA</c> (host:port), a broker shared by all tests
/// (./test.sh starts librdkafka's mock cluster with scripts/test-servers/kafka.sh). Each test uses topics and a
/// group of its own, so tests running at once never see each other's messages.
/// </summary>
internal static class TestBroker
{
    public const string Variable = "ACCOUNTS_TEST_KAFKA";

    /// <summary>A bound for waits on something that happens in the background; generous, so a broken bus fails instead of hanging.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>The shared broker; skips the test when it is not configured.</summary>
    public static string BootstrapServers()
    {
        var servers = Environment.GetEnvironmentVariable(Variable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(servers), $"{Variable} is not set (host:port of a Kafka broker for tests); ./test.sh sets it.");
        return servers!;
    }

    /// <summary>
    /// Options for the shared broker with topics and a group no other test uses. The session timeout is the brokers'
    /// minimum (6 s): the mock cluster holds a rebalance for a session timeout less one second, and one shorter than its
    /// 3 s first-join delay never lets a group form (see the README of src/Accounts.Bus.Kafka).
    /// </summary>
    public static KafkaOptions Options(string test, Action<KafkaOptions>? configure = null) =>
        Options(BootstrapServers(), test, configure);

    public static KafkaOptions Options(string servers, string test, Action<KafkaOptions>? configure = null)
    {
        var unique = $"{test}-{Guid.NewGuid():N}";
        var options = new KafkaOptions
        {
            BootstrapServers = servers,
            Topic = $"accounts-test.{unique}",
            DeadLetterTopic = $"accounts-test.{unique}.dlq",
            GroupId = $"accounts-test-group.{unique}",
            PublishTimeout = TimeSpan.FromSeconds(10),
            AdminTimeout = TimeSpan.FromSeconds(1),
            SessionTimeout = TimeSpan.FromSeconds(6),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            RetryBaseDelay = TimeSpan.FromMilliseconds(100),
            RetryMaxDelay = TimeSpan.FromMilliseconds(400),
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Awaits <paramref name="task"/>, failing the test instead of hanging when it does not complete within <see cref="Bound"/>.</summary>
    public static async Task<T> Within<T>(this Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Bound, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            Assert.Fail($"Timed out waiting for {what}.");
            throw;
        }
    }

    public static async Task Within(this Task task, string what)
    {
        try
        {
            await task.WaitAsync(Bound, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            Assert.Fail($"Timed out waiting for {what}.");
        }
    }
}
