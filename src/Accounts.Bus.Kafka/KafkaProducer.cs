using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Accounts.Bus.Kafka;

/// <summary>
/// The process's one Kafka producer (code requests and dead letters), made on first use so that a host without a
/// broker starts. Idempotent with acks from all in-sync replicas: a message the brokers confirmed is on every replica,
/// and librdkafka's own retries never write it twice or out of order.
/// </summary>
internal sealed class KafkaProducer(IOptions<KafkaOptions> options, ILogger<KafkaProducer> logger) : IDisposable
{
    private static readonly TimeSpan FlushLimit = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private IProducer<byte[]?, byte[]?>? _producer;
    private bool _disposed;

    /// <summary>Sends <paramref name="message"/> and waits for the brokers' answer.</summary>
    /// <exception cref="ProduceException{TKey, TValue}">The brokers did not take it within <see cref="KafkaOptions.PublishTimeout"/>, or refused it.</exception>
    public async Task<DeliveryResult<byte[]?, byte[]?>> ProduceAsync(string topic, Message<byte[]?, byte[]?> message, CancellationToken cancellationToken)
    {
        var producer = Producer;
        try
        {
            return await producer.ProduceAsync(topic, message, cancellationToken);
        }
        catch (KafkaException ex) when (ex.Error.IsFatal)
        {
            // An idempotent producer can fail for good (the brokers lost track of its sequence numbers): every later
            // send would fail too, so the next one gets a new producer.
            Replace(producer);
            throw;
        }
    }

    private IProducer<byte[]?, byte[]?> Producer
    {
        get
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _producer ??= Build();
            }
        }
    }

    public void Dispose()
    {
        IProducer<byte[]?, byte[]?>? producer;
        lock (_gate)
        {
            _disposed = true;
            producer = _producer;
            _producer = null;
        }

        if (producer is null)
        {
            return;
        }

        // Every send awaits its answer, so little is in flight; what is not confirmed by now stays in the outbox.
        producer.Flush(FlushLimit);
        producer.Dispose();
    }

    private void Replace(IProducer<byte[]?, byte[]?> failed)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_producer, failed))
            {
                _producer = null;
            }
        }

        // Disposing waits for librdkafka's threads; the caller is in the middle of a send and should not.
        _ = Task.Run(failed.Dispose);
    }

    private IProducer<byte[]?, byte[]?> Build()
    {
        NativeLibraryLoader.EnsureLoaded();
        var settings = options.Value;
        var config = new ProducerConfig
        {
            EnableIdempotence = true,
            Acks = Acks.All,
            MessageTimeoutMs = (int)settings.PublishTimeout.TotalMilliseconds,
            // Chooses the partition for a key as Java clients do, so keyed messages land alike whoever produces them.
            Partitioner = Partitioner.Murmur2Random,
            // Brokers close idle connections every few minutes; librdkafka would log each as an error.
            LogConnectionClose = false,
        };
        settings.ApplyTo(config);
        return new ProducerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, message) => KafkaLog.Forward(logger, message))
            .SetErrorHandler((client, error) => KafkaLog.Forward(logger, client.Name, error))
            .Build();
    }
}
