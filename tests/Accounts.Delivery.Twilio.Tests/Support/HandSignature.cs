using System.Security.Cryptography;
using System.Text;

namespace Accounts.Delivery.Twilio.Tests.Support;

/// <summary>
/// Twilio's documented recipe, written out step by step apart from the code under test: the URL, then every
/// parameter's name and value, sorted by name in byte order; HMAC-SHA1 keyed with the AuthToken; base64.
/// </summary>
internal static class HandSignature
{
    public static string Of(string authToken, string url, params (string Name, string Value)[] parameters)
    {
        var sorted = parameters.ToList();
        sorted.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var data = url + string.Concat(sorted.Select(p => p.Name + p.Value));
        using var hmac = new HMACSHA1(Encoding.UTF8.GetBytes(authToken));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(data)));
    }
}
