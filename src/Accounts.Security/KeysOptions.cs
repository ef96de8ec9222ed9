namespace Accounts.Security;

/// <summary>
/// Key material (section <c>Accounts:Keys</c>). Either configure all of it (in production, from a secret store)
/// or none of it: then <see cref="KeyRing.Load"/> keeps generated keys in <c>keys.json</c> in the data directory.
/// In each list the first key is the current one; the others are still accepted, which is how keys rotate:
/// put the new key first, keep the old ones until nothing made with them is left.
/// </summary>
public sealed class KeysOptions
{
    public const string Section = "Accounts:Keys";

    /// <summary>ES256 keys for access tokens. All are published in the JWKS document and accepted.</summary>
    public List<SigningKeyOptions> Signing { get; set; } = [];

    /// <summary>AES-256-GCM keys for personal data at rest. Values name the key that protected them.</summary>
    public List<EncryptionKeyOptions> Encryption { get; set; } = [];

    /// <summary>Base64 of 32 bytes: the HMAC-SHA256 key of the blind indexes. It cannot rotate without re-indexing every row.</summary>
    public string? IndexKey { get; set; }

    internal bool IsEmpty => Signing.Count == 0 && Encryption.Count == 0 && string.IsNullOrEmpty(IndexKey);
}

public sealed class SigningKeyOptions
{
    /// <summary>1 to 64 letters, digits, '-' or '_'; the JWT header's <c>kid</c>.</summary>
    public string? Id { get; set; }

    /// <summary>An EC P-256 private key as a PKCS#8 PEM block.</summary>
    public string? PrivateKeyPem { get; set; }
}

public sealed class EncryptionKeyOptions
{
    /// <summary>1 to 64 letters, digits, '-' or '_'; written before each protected value.</summary>
    public string? Id { get; set; }

    /// <summary>Base64 of 32 random bytes.</summary>
    public string? Key { get; set; }
}
