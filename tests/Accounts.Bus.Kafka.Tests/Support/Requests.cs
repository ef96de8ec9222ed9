using Accounts.Core.Verification;

namespace Accounts.Bus.Kafka.Tests.Support;

internal static class Requests
{
    public static CodeRequest New(
        string? userId = "user-1",
        string destination = "+15550100",
        string? id = null,
        DeliveryChannel channel = DeliveryChannel.WhatsApp,
        CodePurpose purpose = CodePurpose.Register) => new()
        {
            Id = id ?? Guid.NewGuid().ToString("N"),
            Purpose = purpose,
            Channel = channel,
            Destination = destination,
            Lifetime = TimeSpan.FromMinutes(5),
            UserId = userId,
            CreatedAt = DateTimeOffset.UtcNow,
        };
}
