using System.Security.Cryptography;
using System.Text;

namespace Accounts.Delivery.Twilio;

/// <summary>
/// The <c>X-Twilio-Signature</c> of a webhook, as Twilio documents it: base64 of HMAC-SHA1, keyed with the AuthToken,
/// over the full URL Twilio called (query string included) followed by each POST parameter's name and value, the
/// parameters sorted by name (ordinal, case-sensitive) and nothing between them.
/// </summary>
public static class TwilioSignature
{
    public const string HeaderName = "X-Twilio-Signature";

    /// <summary>The signature Twilio would send for this URL and these form fields.</summary>
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(form);
        return Convert.ToBase64String(Hash(authToken, url, form));
    }

    /// <summary>
    /// Whether <paramref name="signature"/> is Twilio's for this request. False for a missing or malformed signature;
    /// the comparison takes the same time wherever the first difference is, so it reveals nothing about the right one.
    /// </summary>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form, string? signature)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(form);
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        Span<byte> given = stackalloc byte[HMACSHA1.HashSizeInBytes];
        if (!Convert.TryFromBase64String(signature, given, out var written) || written != HMACSHA1.HashSizeInBytes)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Hash(authToken, url, form), given);
    }

    private static byte[] Hash(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var data = new StringBuilder(url);

        // A name sent twice keeps both values, in value order, so the string does not depend on the order of arrival.
        foreach (var (name, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

        return HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
    }
}
