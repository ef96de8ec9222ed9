namespace Accounts.Core.Verification;

public enum DeliveryChannel
{
    Email,
    WhatsApp,
    Sms,
}

public static class DeliveryChannels
{
    public static string ToWire(this DeliveryChannel channel) => channel switch
    {
        DeliveryChannel.Email => "email",
        DeliveryChannel.WhatsApp => "whatsapp",
        DeliveryChannel.Sms => "sms",
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    public static DeliveryChannel? FromWire(string? value) => value switch
    {
        "email" => DeliveryChannel.Email,
        "whatsapp" => DeliveryChannel.WhatsApp,
        "sms" => DeliveryChannel.Sms,
        _ => null,
    };
}
