using Accounts.Security;
using BenchmarkDotNet.Attributes;

namespace Accounts.Benchmarks.Micro;

/// <summary>AES-256-GCM protect and unprotect of an email address, and its HMAC-SHA256 blind index.</summary>
public class FieldProtectionBenchmarks
{
    private const string Email = "ada.lovelace@example.com";

    private KeyDirectory? _keys;
    private AesGcmFieldProtector _protector = null!;
    private string _protected = "";

    [GlobalSetup]
    public void Setup()
    {
        _keys = KeyDirectory.Create();
        _protector = new AesGcmFieldProtector(_keys.Ring);
        _protected = _protector.Protect(Email);
        if (_protector.Unprotect(_protected) != Email)
        {
            throw new InvalidOperationException("The benchmark's own value does not round-trip.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _keys?.Dispose();

    [Benchmark(Description = "AES-GCM protect (email)")]
    public string Protect() => _protector.Protect(Email);

    [Benchmark(Description = "AES-GCM unprotect (email)")]
    public string Unprotect() => _protector.Unprotect(_protected);

    [Benchmark(Description = "HMAC blind index (email)")]
    public string BlindIndex() => _protector.ComputeIndex("email", Email);
}
