using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Accounts.Bus.Kafka;

/// <summary>
/// Event ids 8200-8299 belong to this project. Messages name topics, partitions, offsets, request ids and the
/// group, never a key, value or header value: a value holds a phone number or an email address. A handler's poison
/// reason is not logged either (a provider's refusal may quote the number); it travels in the dead letter's header.
/// </summary>
internal static partial class KafkaLog
{
    [LoggerMessage(EventId = 8200, Level = LogLevel.Information, Message = "Kafka topics {Topic} and {DeadLetterTopic} are ready")]
    public static partial void TopicsReady(ILogger logger, string topic, string deadLetterTopic);

    [LoggerMessage(EventId = 8201, Level = LogLevel.Information, Message = "Created Kafka topic {Topic} ({Partitions} partition(s), replication factor {ReplicationFactor})")]
    public static partial void TopicCreated(ILogger logger, string topic, int partitions, short replicationFactor);

    [LoggerMessage(EventId = 8202, Level = LogLevel.Warning,
        Message = "Could not make sure the Kafka topics exist (attempt {Attempt}): {Reason}; trying again in {Delay}; the consumer waits for them")]
    public static partial void TopicsNotReady(ILogger logger, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 8203, Level = LogLevel.Warning,
        Message = "The brokers did not answer CreateTopics for {Topics} within {Timeout}; asked for the topics' metadata instead, which creates them where the broker auto-creates topics (with its default partition count), as a first publish would")]
    public static partial void CreateTopicsUnanswered(ILogger logger, string topics, TimeSpan timeout);

    [LoggerMessage(EventId = 8210, Level = LogLevel.Debug, Message = "Published code request {RequestId} to {Source}")]
    public static partial void Published(ILogger logger, string requestId, string source);

    [LoggerMessage(EventId = 8220, Level = LogLevel.Information, Message = "Consuming Kafka topic {Topic} as group {GroupId} (librdkafka {Version} from {LibraryPath})")]
    public static partial void ConsumerStarted(ILogger logger, string topic, string groupId, string version, string libraryPath);

    [LoggerMessage(EventId = 8221, Level = LogLevel.Information, Message = "Kafka group {GroupId} assigned this consumer {Partitions}")]
    public static partial void PartitionsAssigned(ILogger logger, string groupId, string partitions);

    [LoggerMessage(EventId = 8222, Level = LogLevel.Information, Message = "Kafka group {GroupId} took {Partitions} from this consumer")]
    public static partial void PartitionsRevoked(ILogger logger, string groupId, string partitions);

    [LoggerMessage(EventId = 8223, Level = LogLevel.Warning,
        Message = "This consumer lost {Partitions} of Kafka group {GroupId} (its session expired); their uncommitted messages go to another consumer")]
    public static partial void PartitionsLost(ILogger logger, string groupId, string partitions);

    [LoggerMessage(EventId = 8224, Level = LogLevel.Warning,
        Message = "Handling {Source} failed (failure {Failures} in a row); not committed: it is delivered again in {Delay}")]
    public static partial void HandlerFailed(ILogger logger, string source, int failures, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 8225, Level = LogLevel.Warning, Message = "Set {Source} aside in {DeadLetterTopic}: {Problem}")]
    public static partial void MalformedDeadLettered(ILogger logger, string source, string deadLetterTopic, string problem);

    [LoggerMessage(EventId = 8226, Level = LogLevel.Warning,
        Message = "Set {Source} aside in {DeadLetterTopic}: the handler found it poison (the reason is in its {ReasonHeader} header)")]
    public static partial void PoisonDeadLettered(ILogger logger, string source, string deadLetterTopic, string reasonHeader);

    [LoggerMessage(EventId = 8227, Level = LogLevel.Error,
        Message = "Could not set {Source} aside in {DeadLetterTopic} (failure {Failures} in a row); not committed: it is handled again in {Delay}")]
    public static partial void DeadLetterFailed(ILogger logger, string source, string deadLetterTopic, int failures, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 8228, Level = LogLevel.Warning, Message = "Could not commit {Source} ({Reason}); it may be delivered again, and is then found handled")]
    public static partial void CommitFailed(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 8229, Level = LogLevel.Warning, Message = "The Kafka consumer of {Topic} reported {Code}: {Reason}")]
    public static partial void ConsumeFailed(ILogger logger, string topic, ErrorCode code, string reason);

    [LoggerMessage(EventId = 8230, Level = LogLevel.Warning,
        Message = "Stopping interrupted the handling of {Source}; it stays uncommitted and is delivered again")]
    public static partial void Interrupted(ILogger logger, string source);

    [LoggerMessage(EventId = 8231, Level = LogLevel.Information, Message = "Left Kafka group {GroupId}")]
    public static partial void ConsumerStopped(ILogger logger, string groupId);

    [LoggerMessage(EventId = 8232, Level = LogLevel.Error,
        Message = "The Kafka consumer of {Topic} failed; a new one joins the group in {Delay} and takes up from the committed offsets")]
    public static partial void ConsumerFailed(ILogger logger, string topic, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 8233, Level = LogLevel.Warning, Message = "Could not move back to {Source} after a failure ({Reason}); the partition's next owner starts from its committed offset")]
    public static partial void SeekFailed(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 8240, Message = "librdkafka {Client} {Facility}: {Text}")]
    public static partial void Client(ILogger logger, LogLevel level, string client, string facility, string text);

    [LoggerMessage(EventId = 8241, Level = LogLevel.Error, Message = "librdkafka {Client} reported a fatal error {Code}: {Reason}")]
    public static partial void ClientFatal(ILogger logger, string client, ErrorCode code, string reason);

    /// <summary>Forwards librdkafka's own log lines (connection failures, group changes) at a level of ours: a broker out of
    /// reach is a warning here, not an error, because nothing is lost meanwhile.</summary>
    public static void Forward(ILogger logger, LogMessage message)
    {
        var level = message.Level switch
        {
            <= SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        Client(logger, level, message.Name, message.Facility, message.Message);
    }

    /// <summary>librdkafka's error events repeat what its log says, except a fatal one, which ends the client.</summary>
    public static void Forward(ILogger logger, string client, Error error)
    {
        if (error.IsFatal)
        {
            ClientFatal(logger, client, error.Code, error.Reason);
        }
    }
}
