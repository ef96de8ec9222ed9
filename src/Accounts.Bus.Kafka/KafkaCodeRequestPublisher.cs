using Accounts.Core.Verification;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Accounts.Bus.Kafka;

/// <summary>
/// Publishes code requests to <see cref="KafkaOptions.Topic"/>, in the original's format (see <see cref="CodeRequestWire"/>),
/// and returns only once the brokers hold the message: the outbox relay marks the request published after that, and
/// keeps it for another try when this throws.
/// </summary>
internal sealed class KafkaCodeRequestPublisher(
    KafkaProducer producer,
    IOptions<KafkaOptions> options,
    ILogger<KafkaCodeRequestPublisher> logger) : ICodeRequestPublisher
{
    /// <exception cref="KafkaPublishException">The brokers did not take the message within <see cref="KafkaOptions.PublishTimeout"/>, or refused it.</exception>
    public async Task PublishAsync(CodeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var topic = options.Value.Topic;
        DeliveryResult<byte[]?, byte[]?> delivery;
        try
        {
            delivery = await producer.ProduceAsync(topic, CodeRequestWire.ToMessage(request), cancellationToken);
        }
        catch (KafkaException ex)
        {
            // The reason is librdkafka's (a timeout, a broker's refusal); it never holds the message itself.
            throw new KafkaPublishException($"Kafka did not take code request {request.Id} for topic {topic}: {ex.Error.Reason} ({ex.Error.Code}).", ex);
        }

        KafkaLog.Published(logger, request.Id, $"{delivery.Topic}/{delivery.Partition.Value}/{delivery.Offset.Value}");
    }
}
