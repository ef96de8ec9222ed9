using System.Buffers.Text;
using System.Security.Cryptography;

namespace Accounts.Security;

/// <summary>
/// The keys of one deployment: ES256 signing keys, AES-256-GCM encryption keys (the first of each list is
/// current, the rest still accepted) and the blind-index key. Built once at start by <see cref="Load"/>;
/// immutable afterwards. Neither it nor its errors ever show key material.
/// </summary>
public sealed class KeyRing
{
    /// <summary>The file in the data directory that holds generated keys when none are configured.</summary>
    public const string FileName = "keys.json";

    private const int SymmetricKeyBytes = 32;
    private const int MaxKeyIdLength = 64;
    private const string P256Oid = "1.2.840.10045.3.1.7";

    private KeyRing(IReadOnlyList<SigningKey> signingKeys, IReadOnlyList<EncryptionKey> encryptionKeys, byte[] indexKey)
    {
        SigningKeys = signingKeys;
        EncryptionKeys = encryptionKeys;
        IndexKey = indexKey;
    }

    /// <summary>Every accepted signing key, the current one first.</summary>
    internal IReadOnlyList<SigningKey> SigningKeys { get; }

    internal SigningKey CurrentSigningKey => SigningKeys[0];

    /// <summary>Every accepted encryption key, the current one first.</summary>
    internal IReadOnlyList<EncryptionKey> EncryptionKeys { get; }

    internal EncryptionKey CurrentEncryptionKey => EncryptionKeys[0];

    internal byte[] IndexKey { get; }

    /// <summary>
    /// The configured keys when <paramref name="configured"/> holds any (then all must be present and valid);
    /// otherwise the keys in <c>keys.json</c> under <paramref name="dataDirectory"/>, which is created with fresh
    /// random keys (mode 0600, written atomically) on first run, in which case <paramref name="generated"/> is true.
    /// </summary>
    /// <exception cref="InvalidOperationException">A key is missing or invalid; the message names the setting (never its value).</exception>
    public static KeyRing Load(KeysOptions configured, string dataDirectory, out bool generated)
    {
        ArgumentNullException.ThrowIfNull(configured);
        generated = false;
        if (!configured.IsEmpty)
        {
            return FromOptions(configured);
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var path = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
        if (!File.Exists(path))
        {
            generated = KeyFile.TryCreate(path, Generate());
        }

        return Build(KeyFile.Read(path), KeySettingNames.ForFile(path));
    }

    /// <summary>The configured keys, checked as <see cref="Load"/> checks them.</summary>
    internal static KeyRing FromOptions(KeysOptions options) => Build(options, KeySettingNames.ForConfiguration);

    /// <summary>A complete set of fresh random keys, with short random ids.</summary>
    internal static KeysOptions Generate()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new KeysOptions
        {
            Signing = [new SigningKeyOptions { Id = NewKeyId(), PrivateKeyPem = ecdsa.ExportPkcs8PrivateKeyPem() }],
            Encryption = [new EncryptionKeyOptions { Id = NewKeyId(), Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(SymmetricKeyBytes)) }],
            IndexKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(SymmetricKeyBytes)),
        };
    }

    /// <summary>8 characters of base64url: 48 random bits, plenty to tell a deployment's keys apart.</summary>
    internal static string NewKeyId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(6));

    public override string ToString() =>
        $"KeyRing(signing: {string.Join(", ", SigningKeys.Select(k => k.Id))}; encryption: {string.Join(", ", EncryptionKeys.Select(k => k.Id))})";

    private static KeyRing Build(KeysOptions options, KeySettingNames names)
    {
        if (options.Signing is not { Count: > 0 })
        {
            throw Invalid(names.List("Signing"), "must list at least one key");
        }

        if (options.Encryption is not { Count: > 0 })
        {
            throw Invalid(names.List("Encryption"), "must list at least one key");
        }

        var signing = new List<SigningKey>(options.Signing.Count);
        for (var i = 0; i < options.Signing.Count; i++)
        {
            var entry = options.Signing[i] ?? throw Invalid(names.Item("Signing", i, "Id"), "is required");
            var id = ReadKeyId(entry.Id, names.Item("Signing", i, "Id"), signing.Select(k => k.Id));
            signing.Add(new SigningKey(id, ReadP256PrivateKey(entry.PrivateKeyPem, names.Item("Signing", i, "PrivateKeyPem"))));
        }

        var encryption = new List<EncryptionKey>(options.Encryption.Count);
        for (var i = 0; i < options.Encryption.Count; i++)
        {
            var entry = options.Encryption[i] ?? throw Invalid(names.Item("Encryption", i, "Id"), "is required");
            var id = ReadKeyId(entry.Id, names.Item("Encryption", i, "Id"), encryption.Select(k => k.Id));
            encryption.Add(new EncryptionKey(id, ReadSymmetricKey(entry.Key, names.Item("Encryption", i, "Key"))));
        }

        var indexKey = ReadSymmetricKey(options.IndexKey, names.Scalar("IndexKey"));
        return new KeyRing(signing, encryption, indexKey);
    }

    private static string ReadKeyId(string? id, string setting, IEnumerable<string> earlier)
    {
        if (string.IsNullOrEmpty(id)
            || id.Length > MaxKeyIdLength
            || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw Invalid(setting, $"must be 1 to {MaxKeyIdLength} letters, digits, '-' or '_'");
        }

        if (earlier.Contains(id, StringComparer.Ordinal))
        {
            throw Invalid(setting, "repeats the id of an earlier key in the same list");
        }

        return id;
    }

    private static ECDsa ReadP256PrivateKey(string? pem, string setting)
    {
        const string Requirement = "must be the PKCS#8 PEM of an EC P-256 private key";
        if (string.IsNullOrWhiteSpace(pem))
        {
            throw Invalid(setting, Requirement);
        }

        // The library's own messages are left out (no inner exception): this is the one place a key's text passes through.
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            var parameters = ecdsa.ExportParameters(includePrivateParameters: true);
            var isP256 = parameters.Curve.IsNamed
                && (parameters.Curve.Oid.Value == P256Oid || parameters.Curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256");
            CryptographicOperations.ZeroMemory(parameters.D);
            if (isP256)
            {
                return ecdsa;
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
        }

        ecdsa.Dispose();
        throw Invalid(setting, Requirement);
    }

    private static byte[] ReadSymmetricKey(string? base64, string setting)
    {
        var buffer = new byte[SymmetricKeyBytes + 3];
        if (string.IsNullOrWhiteSpace(base64)
            || !Convert.TryFromBase64String(base64.Trim(), buffer, out var written)
            || written != SymmetricKeyBytes)
        {
            CryptographicOperations.ZeroMemory(buffer);
            throw Invalid(setting, $"must be base64 of {SymmetricKeyBytes} bytes");
        }

        var key = buffer[..SymmetricKeyBytes];
        CryptographicOperations.ZeroMemory(buffer);
        return key;
    }

    private static InvalidOperationException Invalid(string setting, string requirement) => new($"{setting} {requirement}.");
}
