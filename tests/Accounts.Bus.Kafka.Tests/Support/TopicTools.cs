using System.Text;
using Confluent.Kafka;

namespace Accounts.Bus.Kafka.Tests.Support;

/// <summary>What a test looks at on the broker, with plain Confluent clients outside the bus under test.</summary>
internal static class TopicTools
{
    /// <summary>A consumed message with its headers as text.</summary>
    public sealed record Record(int Partition, long Offset, string? Key, byte[]? Value, IReadOnlyList<(string Key, string Value)> Headers)
    {
        public string? Text => Value is null ? null : Encoding.UTF8.GetString(Value);

        public string? Header(string key) => Headers.LastOrDefault(header => header.Key == key).Value;
    }

    /// <summary>
    /// The first <paramref name="count"/> messages of <paramref name="topic"/>, read from the beginning of every
    /// partition without a group (no join to wait for); fails the test when fewer arrive within the bound.
    /// </summary>
    public static async Task<IReadOnlyList<Record>> ReadAsync(string servers, string topic, int count)
    {
        NativeLibraryLoader.EnsureLoaded();
        var partitions = Partitions(servers, topic);
        return await Task.Run(() =>
        {
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
            {
                BootstrapServers = servers,
                GroupId = "accounts-test-reader." + Guid.NewGuid().ToString("N"),
                EnableAutoCommit = false,
            }).SetLogHandler((_, _) => { }).Build();
            consumer.Assign(partitions.Select(partition => new TopicPartitionOffset(topic, partition, Offset.Beginning)));
            var records = new List<Record>();
            var deadline = DateTime.UtcNow + TestBroker.Bound;
            while (records.Count < count && DateTime.UtcNow < deadline)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message is { } message)
                {
                    records.Add(new Record(
                        result.Partition.Value,
                        result.Offset.Value,
                        message.Key is null ? null : Encoding.UTF8.GetString(message.Key),
                        message.Value,
                        message.Headers?.Select(header => (header.Key, Encoding.UTF8.GetString(header.GetValueBytes()))).ToList() ?? []));
                }
            }

            consumer.Close();
            records.Count.ShouldBeGreaterThanOrEqualTo(count, $"messages in {topic}");
            return (IReadOnlyList<Record>)records;
        }, TestContext.Current.CancellationToken);
    }

    /// <summary>The offset committed by <paramref name="group"/> for each partition of <paramref name="topic"/> (-1001 where none).</summary>
    public static IReadOnlyDictionary<int, long> Committed(string servers, string topic, string group)
    {
        NativeLibraryLoader.EnsureLoaded();
        var partitions = Partitions(servers, topic);
        // Asking for committed offsets does not join the group, so it disturbs no member.
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig { BootstrapServers = servers, GroupId = group })
            .SetLogHandler((_, _) => { }).Build();
        var committed = consumer.Committed(partitions.Select(partition => new TopicPartition(topic, partition)), TimeSpan.FromSeconds(10));
        consumer.Close();
        return committed.ToDictionary(offset => offset.Partition.Value, offset => offset.Offset.Value);
    }

    /// <summary>Produces a message as another producer would (any key, value and headers).</summary>
    public static async Task<DeliveryResult<byte[]?, byte[]?>> ProduceAsync(
        string servers, string topic, string key, byte[]? value, params (string Key, string Value)[] headers)
    {
        NativeLibraryLoader.EnsureLoaded();
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = servers, Partitioner = Partitioner.Murmur2Random })
            .SetLogHandler((_, _) => { }).Build();
        var message = new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(key), Value = value, Headers = [] };
        foreach (var (name, text) in headers)
        {
            message.Headers.Add(name, Encoding.UTF8.GetBytes(text));
        }

        return await producer.ProduceAsync(topic, message, TestContext.Current.CancellationToken);
    }

    /// <summary>The topics the broker has, listed without naming any (naming one would create it on the mock cluster).</summary>
    public static IReadOnlySet<string> Topics(string servers)
    {
        NativeLibraryLoader.EnsureLoaded();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = servers }).SetLogHandler((_, _) => { }).Build();
        return admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(topic => topic.Topic).ToHashSet(StringComparer.Ordinal);
    }

    private static List<int> Partitions(string servers, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = servers }).SetLogHandler((_, _) => { }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single();
        metadata.Error.Code.ShouldBe(ErrorCode.NoError, $"metadata of {topic}");
        return metadata.Partitions.Select(partition => partition.PartitionId).ToList();
    }
}
