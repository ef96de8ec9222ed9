namespace Accounts.Bus.Kafka.Tests;

public sealed class KafkaOptionsTests
{
    [Fact]
    public void KafkaIsOffWithoutBootstrapServers()
    {
        var options = new KafkaOptions();

        options.Enabled.ShouldBeFalse();
        options.Validate().ShouldBeNull();
    }

    [Fact]
    public void DefaultsAreTheOriginals()
    {
        var options = new KafkaOptions { BootstrapServers = "kafka:9092" };

        options.Validate().ShouldBeNull();
        options.Topic.ShouldBe("Verification");
        options.DeadLetterTopic.ShouldBe("Verification.dlq");
        options.GroupId.ShouldBe("verification-group");
    }

    [Theory]
    [InlineData("kafka", "Accounts:Kafka:BootstrapServers:")]
    [InlineData("kafka:0", "Accounts:Kafka:BootstrapServers:")]
    [InlineData("kafka-1:9092,:9092", "Accounts:Kafka:BootstrapServers:")]
    public void NamesTheSettingOfAMalformedServerList(string servers, string setting)
    {
        new KafkaOptions { BootstrapServers = servers }.Validate().ShouldNotBeNull().ShouldStartWith(setting);
    }

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void NamesTheSettingAtFault(string setting, Action<KafkaOptions> change)
    {
        var options = new KafkaOptions { BootstrapServers = "kafka-1:9092,kafka-2:9092" };
        change(options);

        options.Validate().ShouldNotBeNull().ShouldStartWith($"Accounts:Kafka:{setting}:");
    }

    public static TheoryData<string, Action<KafkaOptions>> BadSettings() => new()
    {
        { "Topic", o => o.Topic = "" },
        { "Topic", o => o.Topic = "has space" },
        { "DeadLetterTopic", o => o.DeadLetterTopic = ".." },
        { "DeadLetterTopic", o => o.DeadLetterTopic = o.Topic },
        { "GroupId", o => o.GroupId = " " },
        { "Partitions", o => o.Partitions = 0 },
        { "ReplicationFactor", o => o.ReplicationFactor = 0 },
        { "PublishTimeout", o => o.PublishTimeout = TimeSpan.Zero },
        { "AdminTimeout", o => o.AdminTimeout = TimeSpan.FromSeconds(-1) },
        { "HeartbeatInterval", o => o.HeartbeatInterval = o.SessionTimeout },
        { "RetryMaxDelay", o => o.RetryMaxDelay = TimeSpan.FromMilliseconds(1) },
        { "SecurityProtocol", o => o.SecurityProtocol = "tls" },
        { "SaslMechanism", o => o.SaslMechanism = "Gssapi" },
        { "SaslMechanism, SaslUsername and SaslPassword", o => o.SecurityProtocol = "SaslSsl" },
        { "SecurityProtocol", o => (o.SaslMechanism, o.SaslUsername, o.SaslPassword) = ("Plain", "u", "p") },
        { "SecurityProtocol", o => (o.SecurityProtocol, o.SaslMechanism, o.SaslUsername, o.SaslPassword) = ("sasl_plaintext", "PLAIN", "u", "p") },
    };

    [Fact]
    public void AcceptsLibrdkafkasSpellingOfSecuritySettings()
    {
        var options = new KafkaOptions
        {
            BootstrapServers = "kafka:9093",
            SecurityProtocol = "sasl_ssl",
            SaslMechanism = "SCRAM-SHA-512",
            SaslUsername = "accounts",
            SaslPassword = "secret",
        };

        options.Validate().ShouldBeNull();
        options.ParsedSecurityProtocol.ShouldBe(Confluent.Kafka.SecurityProtocol.SaslSsl);
        options.ParsedSaslMechanism.ShouldBe(Confluent.Kafka.SaslMechanism.ScramSha512);
    }
}
