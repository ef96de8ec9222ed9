using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Accounts.Notifications;

/// <summary>
/// The form of a job ticket: <c>jt_</c> and 32 random bytes in base64url (46 characters). Stores keep only its
/// SHA-256, so what they hold cannot be presented as a ticket; a fast hash is enough for 256 random bits.
/// </summary>
public static class JobTicket
{
    public const string Prefix = "jt_";

    private const int RandomBytes = 32;

    /// <summary>The length of every ticket: the prefix and 43 base64url characters.</summary>
    public static readonly int Length = Prefix.Length + Base64Url.GetEncodedLength(RandomBytes);

    public static string Create() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>Whether <paramref name="value"/> has the form of a ticket (it says nothing of whether it is live).</summary>
    public static bool IsWellFormed(string? value) =>
        value is not null
        && value.Length == Length
        && value.StartsWith(Prefix, StringComparison.Ordinal)
        && Base64Url.IsValid(value.AsSpan(Prefix.Length), out var decoded)
        && decoded == RandomBytes;

    /// <summary>What a store keeps in place of the ticket: its SHA-256 in lowercase hex.</summary>
    public static string Hash(string ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ticket)));
    }
}
