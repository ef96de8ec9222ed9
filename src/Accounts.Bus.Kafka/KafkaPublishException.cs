namespace Accounts.Bus.Kafka;

/// <summary>Kafka did not take a code request (brokers out of reach past the publish timeout, or a refusal): the request
/// stays in the outbox, and publishing it again later may succeed.</summary>
public sealed class KafkaPublishException(string message, Exception inner) : Exception(message, inner);
