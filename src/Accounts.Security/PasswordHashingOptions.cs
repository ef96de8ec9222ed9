namespace Accounts.Security;

/// <summary>Argon2id cost (section <c>Accounts:Passwords</c>). Changing a cost makes older hashes report <c>SuccessRehashNeeded</c>.</summary>
public sealed class PasswordHashingOptions
{
    public const string Section = "Accounts:Passwords";

    /// <summary>libsodium's smallest memory cost (crypto_pwhash_MEMLIMIT_MIN is 8192 bytes).</summary>
    public const int MinMemoryKiB = 8;

    /// <summary>1 GiB: no deployment of this service hashes with more, and stored hashes claiming more are refused.</summary>
    public const int MaxMemoryKiB = 1024 * 1024;

    /// <summary>Stored hashes claiming more passes than this are refused rather than computed.</summary>
    public const int MaxIterations = 64;

    /// <summary>Memory per hash in KiB; 19 MiB with 2 passes is OWASP's Argon2id minimum.</summary>
    public int MemoryKiB { get; set; } = 19 * 1024;

    /// <summary>Passes over the memory (Argon2's t, libsodium's opslimit).</summary>
    public int Iterations { get; set; } = 2;

    /// <summary>Hashes and verifications running at once: each takes <see cref="MemoryKiB"/>, so this bounds the memory a burst can take.</summary>
    public int MaxConcurrency { get; set; } = Environment.ProcessorCount * 2;

    /// <summary>The first setting that is out of range, as a message naming it; null when all are valid.</summary>
    public string? Validate()
    {
        if (MemoryKiB is < MinMemoryKiB or > MaxMemoryKiB)
        {
            return $"{Section}:{nameof(MemoryKiB)} must be between {MinMemoryKiB} and {MaxMemoryKiB}.";
        }

        if (Iterations is < 1 or > MaxIterations)
        {
            return $"{Section}:{nameof(Iterations)} must be between 1 and {MaxIterations}.";
        }

        if (MaxConcurrency < 1)
        {
            return $"{Section}:{nameof(MaxConcurrency)} must be at least 1.";
        }

        return null;
    }
}
