using System.Reflection;
using System.Runtime.InteropServices;

namespace Accounts.Security;

/// <summary>
/// The few libsodium functions this service needs. Debian ships only the versioned file (libsodium.so.23 from
/// the libsodium23 package; the unversioned symlink comes with the -dev package), so the library is located by
/// a resolver rather than by the runtime's default probing.
/// </summary>
internal static unsafe partial class Sodium
{
    /// <summary>crypto_pwhash_STRBYTES: the encoded hash, NUL terminator included, always fits.</summary>
    public const int HashStringBytes = 128;

    /// <summary>crypto_pwhash_ALG_ARGON2ID13.</summary>
    public const int AlgorithmArgon2id13 = 2;

    private const string LibraryName = "libsodium";

    private static readonly string[] Candidates = ["libsodium.so.23", "libsodium.so", "libsodium"];

    private static readonly string[] RequiredExports =
    [
        "sodium_init",
        "crypto_pwhash_str_alg",
        "crypto_pwhash_str_verify",
        "crypto_pwhash_str_needs_rehash",
    ];

    private static readonly Lock Gate = new();
    private static nint _handle;
    private static bool _resolverRegistered;
    private static volatile bool _initialized;

    /// <summary>
    /// Loads and initializes libsodium once per process; safe to call from any thread, any number of times.
    /// Throws <see cref="InvalidOperationException"/> naming the missing package when it cannot.
    /// </summary>
    public static void EnsureInitialized()
    {
        if (_initialized)
        {
            return;
        }

        lock (Gate)
        {
            if (_initialized)
            {
                return;
            }

            var assembly = typeof(Sodium).Assembly;
            if (_handle == 0)
            {
                _handle = Load(assembly, Candidates);
            }

            if (!_resolverRegistered)
            {
                // Registered once per assembly (the runtime refuses a second one), before the first native call.
                NativeLibrary.SetDllImportResolver(assembly, Resolve);
                _resolverRegistered = true;
            }

            if (sodium_init() < 0)
            {
                throw new InvalidOperationException("libsodium was loaded but sodium_init() failed.");
            }

            _initialized = true;
        }
    }

    /// <summary>The first of <paramref name="candidates"/> that loads and has every function used here.</summary>
    internal static nint Load(Assembly assembly, IReadOnlyList<string> candidates)
    {
        foreach (var candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, assembly, null, out var handle))
            {
                foreach (var export in RequiredExports)
                {
                    if (!NativeLibrary.TryGetExport(handle, export, out _))
                    {
                        NativeLibrary.Free(handle);
                        throw new InvalidOperationException(
                            $"The libsodium found as '{candidate}' lacks {export}: libsodium 1.0.15 or later is required "
                            + "(Debian package libsodium23).");
                    }
                }

                return handle;
            }
        }

        throw new InvalidOperationException(
            "libsodium could not be loaded (tried " + string.Join(", ", candidates) + "): password hashing needs it. "
            + "Install the Debian package libsodium23 (apt-get install libsodium23) or your system's libsodium.");
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == LibraryName ? _handle : 0;

    [LibraryImport(LibraryName)]
    private static partial int sodium_init();

    /// <summary>Writes a NUL-terminated encoded hash into <paramref name="output"/> (128 bytes); 0 on success, -1 on failure (memory).</summary>
    [LibraryImport(LibraryName)]
    public static partial int crypto_pwhash_str_alg(byte* output, byte* passwd, ulong passwdlen, ulong opslimit, nuint memlimit, int alg);

    /// <summary>0 when the password matches the NUL-terminated <paramref name="str"/>, -1 otherwise (mismatch or malformed).</summary>
    [LibraryImport(LibraryName)]
    public static partial int crypto_pwhash_str_verify(byte* str, byte* passwd, ulong passwdlen);

    /// <summary>0 when <paramref name="str"/> was made with these parameters, 1 when not, -1 when it is malformed.</summary>
    [LibraryImport(LibraryName)]
    public static partial int crypto_pwhash_str_needs_rehash(byte* str, ulong opslimit, nuint memlimit);
}
