using System.Security.Cryptography;
using System.Text;
using Accounts.Core.Security;

namespace Accounts.Security;

/// <summary>
/// Argon2id through libsodium, producing the standard encoded string (<c>$argon2id$v=19$m=…,t=…,p=1$salt$hash</c>).
/// A semaphore bounds how many hashes run at once, since each takes <see cref="PasswordHashingOptions.MemoryKiB"/>;
/// once admitted, the work runs on the calling thread: queuing it elsewhere would only add a hop.
/// </summary>
public sealed class Argon2idPasswordHasher : IPasswordHasher, IDisposable
{
    private readonly int _memoryKiB;
    private readonly int _iterations;
    private readonly SemaphoreSlim _gate;

    /// <exception cref="ArgumentException">A setting is out of range (the message names it).</exception>
    /// <exception cref="InvalidOperationException">libsodium cannot be loaded.</exception>
    public Argon2idPasswordHasher(PasswordHashingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        Sodium.EnsureInitialized();
        _memoryKiB = options.MemoryKiB;
        _iterations = options.Iterations;
        _gate = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
    }

    /// <summary>
    /// Loads and initializes libsodium, so that a host missing it stops at start rather than at the first sign-in.
    /// </summary>
    /// <exception cref="InvalidOperationException">libsodium cannot be loaded; the message names the Debian package libsodium23.</exception>
    public static void EnsureAvailable() => Sodium.EnsureInitialized();

    public async Task<string> HashAsync(string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return Hash(password, _memoryKiB, _iterations);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<PasswordVerification> VerifyAsync(string hash, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!Argon2idHashString.TryReadParameters(hash, out _, out _))
        {
            return PasswordVerification.Failed;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return Verify(hash, password, _memoryKiB, _iterations);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>One hash with the given costs, without the concurrency bound (benchmarks call this directly).</summary>
    internal static string Hash(string password, int memoryKiB, int iterations)
    {
        var utf8 = ToPinnedUtf8(password, out var length);
        try
        {
            return HashUtf8(utf8.AsSpan(0, length), memoryKiB, iterations);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    internal static unsafe string HashUtf8(ReadOnlySpan<byte> password, int memoryKiB, int iterations)
    {
        Sodium.EnsureInitialized();
        Span<byte> output = stackalloc byte[Sodium.HashStringBytes];
        int result;
        fixed (byte* encoded = output)
        fixed (byte* passwd = password)
        {
            result = Sodium.crypto_pwhash_str_alg(
                encoded, passwd, (ulong)password.Length, (ulong)iterations, (nuint)memoryKiB * 1024, Sodium.AlgorithmArgon2id13);
        }

        if (result != 0)
        {
            throw new InvalidOperationException($"Argon2id hashing failed: libsodium could not allocate {memoryKiB} KiB.");
        }

        var end = output.IndexOf((byte)0);
        return Encoding.ASCII.GetString(output[..(end < 0 ? output.Length : end)]);
    }

    /// <summary>One verification without the concurrency bound; <paramref name="memoryKiB"/> and <paramref name="iterations"/> are today's costs.</summary>
    internal static PasswordVerification Verify(string hash, string password, int memoryKiB, int iterations)
    {
        var utf8 = ToPinnedUtf8(password, out var length);
        try
        {
            return VerifyUtf8(hash, utf8.AsSpan(0, length), memoryKiB, iterations);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    internal static unsafe PasswordVerification VerifyUtf8(string hash, ReadOnlySpan<byte> password, int memoryKiB, int iterations)
    {
        // Also guarantees the string is short and ASCII, so the copy below is exact.
        if (!Argon2idHashString.TryReadParameters(hash, out _, out _))
        {
            return PasswordVerification.Failed;
        }

        Sodium.EnsureInitialized();
        Span<byte> encoded = stackalloc byte[Argon2idHashString.MaxLength + 1];
        var written = Encoding.ASCII.GetBytes(hash, encoded);
        encoded[written] = 0;
        fixed (byte* str = encoded)
        fixed (byte* passwd = password)
        {
            if (Sodium.crypto_pwhash_str_verify(str, passwd, (ulong)password.Length) != 0)
            {
                return PasswordVerification.Failed;
            }

            return Sodium.crypto_pwhash_str_needs_rehash(str, (ulong)iterations, (nuint)memoryKiB * 1024) == 0
                ? PasswordVerification.Success
                : PasswordVerification.SuccessRehashNeeded;
        }
    }

    /// <summary>
    /// The password's UTF-8 bytes in an array the GC will not move, so that clearing it afterwards leaves no
    /// stray copy behind.
    /// </summary>
    private static byte[] ToPinnedUtf8(string password, out int length)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(Encoding.UTF8.GetMaxByteCount(password.Length), pinned: true);
        length = Encoding.UTF8.GetBytes(password, buffer);
        return buffer;
    }
}
