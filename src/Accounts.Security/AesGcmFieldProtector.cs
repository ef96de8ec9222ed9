using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Accounts.Core.Security;

namespace Accounts.Security;

/// <summary>
/// AES-256-GCM for personal data at rest, as <c>&lt;keyId&gt;.&lt;base64url(nonce ‖ ciphertext ‖ tag)&gt;</c> with a
/// random 96-bit nonce per value. The key id is also the associated data, so a value relabelled with another id
/// fails authentication. Blind indexes are HMAC-SHA256 under a key of their own.
/// </summary>
public sealed class AesGcmFieldProtector(KeyRing keys) : IFieldProtector
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const char Separator = '.';

    public string Protect(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var key = keys.CurrentEncryptionKey;
        var plainLength = Encoding.UTF8.GetByteCount(plaintext);
        var plain = new byte[plainLength];
        var sealedValue = new byte[NonceBytes + plainLength + TagBytes];
        try
        {
            Encoding.UTF8.GetBytes(plaintext, plain);
            var nonce = sealedValue.AsSpan(0, NonceBytes);
            RandomNumberGenerator.Fill(nonce);

            // An AesGcm instance is not safe for concurrent use; one per call costs only the key schedule.
            using var aes = new AesGcm(key.Key, TagBytes);
            aes.Encrypt(nonce, plain, sealedValue.AsSpan(NonceBytes, plainLength), sealedValue.AsSpan(NonceBytes + plainLength), key.AssociatedData);
            return key.Id + Separator + Base64Url.EncodeToString(sealedValue);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public string Unprotect(string protectedValue)
    {
        ArgumentNullException.ThrowIfNull(protectedValue);
        var separator = protectedValue.IndexOf(Separator, StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw new CryptographicException("The protected value is malformed: it names no key.");
        }

        var key = FindKey(protectedValue.AsSpan(0, separator))
            ?? throw new CryptographicException("The protected value names a key that is not in the key ring.");

        byte[] sealedValue;
        try
        {
            sealedValue = Base64Url.DecodeFromChars(protectedValue.AsSpan(separator + 1));
        }
        catch (FormatException)
        {
            throw new CryptographicException("The protected value is malformed: it is not base64url.");
        }

        var plainLength = sealedValue.Length - NonceBytes - TagBytes;
        if (plainLength < 0)
        {
            throw new CryptographicException("The protected value is malformed: it is too short.");
        }

        var plain = new byte[plainLength];
        try
        {
            using var aes = new AesGcm(key.Key, TagBytes);
            aes.Decrypt(
                sealedValue.AsSpan(0, NonceBytes),
                sealedValue.AsSpan(NonceBytes, plainLength),
                sealedValue.AsSpan(NonceBytes + plainLength),
                plain,
                key.AssociatedData);
            return Encoding.UTF8.GetString(plain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public string ComputeIndex(string purpose, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ArgumentNullException.ThrowIfNull(value);

        // The NUL separates purpose from value; a purpose holding one could forge another's input.
        if (purpose.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The purpose must not contain a NUL character.", nameof(purpose));
        }

        var input = Encoding.UTF8.GetBytes(purpose + "\0" + value);
        try
        {
            return Base64Url.EncodeToString(HMACSHA256.HashData(keys.IndexKey, input));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    private EncryptionKey? FindKey(ReadOnlySpan<char> id)
    {
        foreach (var key in keys.EncryptionKeys)
        {
            if (id.SequenceEqual(key.Id))
            {
                return key;
            }
        }

        return null;
    }
}
