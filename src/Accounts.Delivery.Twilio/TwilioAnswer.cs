using System.Text.Json;

namespace Accounts.Delivery.Twilio;

/// <summary>
/// Reads Twilio's JSON answers: the message resource (<c>sid</c>) on success, <c>{code, message, more_info, status}</c>
/// on failure. Twilio's <c>message</c> is never used: it quotes the numbers ("The 'To' number +1... is not valid").
/// </summary>
internal static class TwilioAnswer
{
    public static string? ReadSid(byte[] body) => Read(body, root =>
        root.TryGetProperty("sid", out var sid) && sid.ValueKind == JsonValueKind.String && sid.GetString() is { Length: > 0 } value ? value : null);

    public static int? ReadErrorCode(byte[] body) => Read<int?>(body, root =>
        root.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var value) ? value : null);

    /// <summary>Whether the code says Accounts' own settings are wrong, so every message will fail until someone fixes them.</summary>
    public static bool IsConfigurationError(int? code) => code is 20003 or 20404 or 21212 or 21606 or 21660 or 63007;

    /// <summary>A short reason in our words, free of numbers and text; Twilio's page for the code says more.</summary>
    public static string Describe(int? code) => code switch
    {
        20003 => "authentication failed: check Accounts:Twilio:AccountSid and Accounts:Twilio:AuthToken",
        20404 => "the account or resource was not found: check Accounts:Twilio:AccountSid",
        20429 => "too many requests",
        21211 => "the destination is not a valid phone number",
        21212 or 21606 or 21660 => "the configured sender number cannot send this message: check Accounts:Twilio:SmsFrom or Accounts:Twilio:WhatsAppFrom",
        21408 => "the account may not send to the destination's region",
        21610 => "the recipient has unsubscribed (replied STOP)",
        21612 => "Twilio cannot route a message to the destination",
        21614 => "the destination is not a mobile number",
        21910 => "the sender and the destination are not on the same channel",
        63007 => "no WhatsApp sender is set up for Accounts:Twilio:WhatsAppFrom",
        63016 => "WhatsApp allows only approved templates outside the 24-hour session",
        null => "no Twilio error code",
        _ => "see Twilio's description of the code",
    };

    private static T? Read<T>(byte[] body, Func<JsonElement, T?> read)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object ? read(json.RootElement) : default;
        }
        catch (JsonException)
        {
            // A proxy's HTML page or a truncated answer: there is no Twilio answer to read.
            return default;
        }
    }
}
