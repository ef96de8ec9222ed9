using Accounts.Core.Security;
using Accounts.Security;
using BenchmarkDotNet.Attributes;

namespace Accounts.Benchmarks.Micro;

/// <summary>
/// One Argon2id hash and one verification at the service's default costs (<see cref="PasswordHashingOptions"/>:
/// m=19456 KiB, t=2 when this was written), without the hasher's concurrency
/// gate: the cost of the primitive itself. libsodium's working memory is native, so the allocation column shows
/// only the managed part.
/// </summary>
public class PasswordHashingBenchmarks
{
    private const string Password = "correct horse battery staple";

    private static readonly PasswordHashingOptions Defaults = new();

    private string _hash = "";

    [GlobalSetup]
    public void Setup()
    {
        _hash = Argon2idPasswordHasher.Hash(Password, Defaults.MemoryKiB, Defaults.Iterations);
        if (Argon2idPasswordHasher.Verify(_hash, Password, Defaults.MemoryKiB, Defaults.Iterations) != PasswordVerification.Success)
        {
            throw new InvalidOperationException("The benchmark's own hash does not verify: the numbers would measure a failure path.");
        }
    }

    [Benchmark(Description = "Argon2id hash (default costs)")]
    public string Hash() => Argon2idPasswordHasher.Hash(Password, Defaults.MemoryKiB, Defaults.Iterations);

    [Benchmark(Description = "Argon2id verify (default costs)")]
    public PasswordVerification Verify() => Argon2idPasswordHasher.Verify(_hash, Password, Defaults.MemoryKiB, Defaults.Iterations);
}
