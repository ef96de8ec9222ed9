namespace Accounts.Core.Security;

/// <summary>
/// Protection of personal data at rest: authenticated encryption with a random nonce per value and the key id
/// stored with it (so keys can rotate), and a keyed blind index (HMAC) for equality look-ups.
/// </summary>
public interface IFieldProtector
{
    /// <summary>Encrypts with the current key; the result names that key.</summary>
    string Protect(string plaintext);

    /// <summary>Decrypts with the key the value names; throws <see cref="System.Security.Cryptography.CryptographicException"/> when it was tampered with.</summary>
    string Unprotect(string protectedValue);

    /// <summary>
    /// A deterministic keyed hash of <paramref name="value"/>, separated by <paramref name="purpose"/> so that
    /// an index of one kind can never match one of another kind.
    /// </summary>
    string ComputeIndex(string purpose, string value);
}
