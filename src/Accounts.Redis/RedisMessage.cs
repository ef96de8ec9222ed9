using System.Text;

namespace Accounts.Redis;

/// <summary>A message received on a subscription.</summary>
public sealed class RedisMessage
{
    public RedisMessage(string channel, string? pattern, ReadOnlyMemory<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(channel);
        Channel = channel;
        Pattern = pattern;
        Payload = payload;
    }

    /// <summary>The channel the message was published on.</summary>
    public string Channel { get; }

    /// <summary>The pattern that matched, for a pattern subscription; otherwise null.</summary>
    public string? Pattern { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    public string PayloadAsString() => Encoding.UTF8.GetString(Payload.Span);

    /// <summary>Describes the message without showing its payload.</summary>
    public override string ToString() => $"RedisMessage({Channel}, {Payload.Length} bytes)";
}
