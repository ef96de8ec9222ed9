using System.Globalization;
using Confluent.Kafka;

namespace Accounts.Bus.Kafka;

/// <summary>
/// The Kafka bus for code requests (section <c>Accounts:Kafka</c>). Unset <see cref="BootstrapServers"/> switches Kafka
/// off: codes then travel through a queue in the process.
/// </summary>
public sealed class KafkaOptions
{
    public const string Section = "Accounts:Kafka";

    /// <summary><c>host:port[,host:port...]</c> of one or more brokers; empty: Kafka is off.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>Where code requests are published and consumed (the original's topic).</summary>
    public string Topic { get; set; } = "Verification";

    /// <summary>Where messages that can never be handled are set aside, with the reason in a header.</summary>
    public string DeadLetterTopic { get; set; } = "Verification.dlq";

    /// <summary>The consumer group (the original's): processes sharing it share the partitions.</summary>
    public string GroupId { get; set; } = "verification-group";

    /// <summary>Partitions of the topics when this service creates them; more partitions, more consumers at work.</summary>
    public int Partitions { get; set; } = 3;

    /// <summary>Replicas of each partition when this service creates the topics: 1 for one broker, 3 in production.</summary>
    public short ReplicationFactor { get; set; } = 1;

    /// <summary>How long a publish may wait for the brokers to take a message (librdkafka's <c>message.timeout.ms</c>):
    /// past it the publish fails, and the outbox keeps the request.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Limit of one metadata or topic-creation request at start.</summary>
    public TimeSpan AdminTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A consumer that stops heartbeating for this long leaves the group and its partitions move to another.
    /// Brokers accept 6 s to 30 min by default (<c>group.min/max.session.timeout.ms</c>).</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(45);

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>First wait after a handler failure (or a failed topic creation); it doubles up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Shown in the brokers' logs and metrics.</summary>
    public string ClientId { get; set; } = "accounts";

    /// <summary><c>Plaintext</c> (default), <c>Ssl</c>, <c>SaslPlaintext</c> or <c>SaslSsl</c>.</summary>
    public string? SecurityProtocol { get; set; }

    /// <summary><c>Plain</c>, <c>ScramSha256</c> or <c>ScramSha512</c>, with <see cref="SaslUsername"/> and <see cref="SaslPassword"/>.</summary>
    public string? SaslMechanism { get; set; }

    public string? SaslUsername { get; set; }

    public string? SaslPassword { get; set; }

    /// <summary>PEM file of the CA that signed the brokers' certificates; unset: the system's CAs.</summary>
    public string? SslCaLocation { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(BootstrapServers);

    /// <summary>What is wrong with the settings, naming the setting; null when they can be used.</summary>
    public string? Validate()
    {
        if (!Enabled)
        {
            return null;
        }

        return ValidateServers()
            ?? ValidateTopic(nameof(Topic), Topic)
            ?? ValidateTopic(nameof(DeadLetterTopic), DeadLetterTopic)
            ?? (string.Equals(Topic, DeadLetterTopic, StringComparison.Ordinal)
                ? $"{Section}:{nameof(DeadLetterTopic)}: must differ from {Section}:{nameof(Topic)}, or failed messages would come back forever."
                : null)
            ?? (string.IsNullOrWhiteSpace(GroupId) ? $"{Section}:{nameof(GroupId)}: must not be empty." : null)
            ?? (Partitions < 1 ? $"{Section}:{nameof(Partitions)}: must be at least 1." : null)
            ?? (ReplicationFactor < 1 ? $"{Section}:{nameof(ReplicationFactor)}: must be at least 1." : null)
            ?? Positive(nameof(PublishTimeout), PublishTimeout)
            ?? Positive(nameof(AdminTimeout), AdminTimeout)
            ?? Positive(nameof(SessionTimeout), SessionTimeout)
            ?? Positive(nameof(HeartbeatInterval), HeartbeatInterval)
            ?? (HeartbeatInterval >= SessionTimeout
                ? $"{Section}:{nameof(HeartbeatInterval)}: must be shorter than {Section}:{nameof(SessionTimeout)} (a third of it is usual)."
                : null)
            ?? Positive(nameof(RetryBaseDelay), RetryBaseDelay)
            ?? (RetryMaxDelay < RetryBaseDelay ? $"{Section}:{nameof(RetryMaxDelay)}: must not be shorter than {Section}:{nameof(RetryBaseDelay)}." : null)
            ?? (string.IsNullOrWhiteSpace(ClientId) ? $"{Section}:{nameof(ClientId)}: must not be empty." : null)
            ?? ValidateSecurity();
    }

    internal Confluent.Kafka.SecurityProtocol? ParsedSecurityProtocol =>
        ParseEnum<Confluent.Kafka.SecurityProtocol>(SecurityProtocol, out var value) ? value : null;

    internal Confluent.Kafka.SaslMechanism? ParsedSaslMechanism =>
        ParseEnum<Confluent.Kafka.SaslMechanism>(SaslMechanism, out var value) ? value : null;

    /// <summary>Settings every client of this bus shares: where the brokers are and how to reach them.</summary>
    internal void ApplyTo(ClientConfig config)
    {
        config.BootstrapServers = BootstrapServers;
        config.ClientId = ClientId;
        config.SecurityProtocol = ParsedSecurityProtocol;
        config.SaslMechanism = ParsedSaslMechanism;
        config.SaslUsername = SaslUsername;
        config.SaslPassword = SaslPassword;
        config.SslCaLocation = SslCaLocation;
    }

    private string? ValidateServers()
    {
        foreach (var server in BootstrapServers!.Split(',', StringSplitOptions.TrimEntries))
        {
            var colon = server.LastIndexOf(':');
            var portText = colon < 0 ? "" : server[(colon + 1)..];
            if (colon <= 0
                || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                || port is < 1 or > 65535)
            {
                return $"{Section}:{nameof(BootstrapServers)}: expected host:port[,host:port...] with ports from 1 to 65535, e.g. kafka-1:9092,kafka-2:9092.";
            }
        }

        return null;
    }

    private static string? ValidateTopic(string setting, string? topic)
    {
        // Kafka's own rule for topic names; '.' and '_' are legal but collide in metric names, which is the broker's warning to give.
        if (string.IsNullOrEmpty(topic) || topic.Length > 249 || topic is "." or ".."
            || !topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            return $"{Section}:{setting}: must be 1 to 249 characters of letters, digits, '.', '_' and '-' (not '.' or '..').";
        }

        return null;
    }

    private string? ValidateSecurity()
    {
        if (!string.IsNullOrWhiteSpace(SecurityProtocol) && ParsedSecurityProtocol is null)
        {
            return $"{Section}:{nameof(SecurityProtocol)}: must be Plaintext, Ssl, SaslPlaintext or SaslSsl.";
        }

        if (!string.IsNullOrWhiteSpace(SaslMechanism)
            && ParsedSaslMechanism is not (Confluent.Kafka.SaslMechanism.Plain or Confluent.Kafka.SaslMechanism.ScramSha256 or Confluent.Kafka.SaslMechanism.ScramSha512))
        {
            return $"{Section}:{nameof(SaslMechanism)}: must be Plain, ScramSha256 or ScramSha512.";
        }

        var sasl = ParsedSecurityProtocol is Confluent.Kafka.SecurityProtocol.SaslPlaintext or Confluent.Kafka.SecurityProtocol.SaslSsl;
        if (sasl && (ParsedSaslMechanism is null || string.IsNullOrEmpty(SaslUsername) || string.IsNullOrEmpty(SaslPassword)))
        {
            return $"{Section}:{nameof(SaslMechanism)}, {nameof(SaslUsername)} and {nameof(SaslPassword)}: must be set when {Section}:{nameof(SecurityProtocol)} is {SecurityProtocol}.";
        }

        if (!sasl && (ParsedSaslMechanism is not null || !string.IsNullOrEmpty(SaslUsername) || !string.IsNullOrEmpty(SaslPassword)))
        {
            return $"{Section}:{nameof(SecurityProtocol)}: must be SaslPlaintext or SaslSsl when SASL credentials are set; otherwise they would be ignored.";
        }

        if (ParsedSecurityProtocol is Confluent.Kafka.SecurityProtocol.SaslPlaintext && ParsedSaslMechanism is Confluent.Kafka.SaslMechanism.Plain)
        {
            return $"{Section}:{nameof(SecurityProtocol)}: SaslPlaintext with the Plain mechanism would send the password in clear; use SaslSsl or a SCRAM mechanism.";
        }

        return null;
    }

    private static string? Positive(string setting, TimeSpan value) =>
        value > TimeSpan.Zero && value.TotalMilliseconds <= int.MaxValue ? null : $"{Section}:{setting}: must be positive (and under 24 days).";

    private static bool ParseEnum<T>(string? text, out T value)
        where T : struct, Enum
    {
        value = default;
        // Accepts the .NET names (SaslSsl) and librdkafka's (sasl_ssl, SCRAM-SHA-256).
        var normalized = text?.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();
        return !string.IsNullOrEmpty(normalized)
            && !normalized.All(char.IsAsciiDigit)
            && Enum.TryParse(normalized, ignoreCase: true, out value)
            && Enum.IsDefined(value);
    }
}
