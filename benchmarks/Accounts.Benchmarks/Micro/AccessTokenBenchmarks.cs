using Accounts.Core;
using Accounts.Core.Security;
using Accounts.Security;
using BenchmarkDotNet.Attributes;

namespace Accounts.Benchmarks.Micro;

/// <summary>Issuing (ES256 signature) and validating (signature and claims) one access token with the default options.</summary>
public class AccessTokenBenchmarks
{
    private const string UserId = "0198c0de5f3a7b2c9d4e6f8a1b2c3d4e";
    private const string SessionId = "0198c0de5f3a7b2c9d4e6f8a1b2c3d4f";

    private KeyDirectory? _keys;
    private JwtAccessTokenService _service = null!;
    private DateTimeOffset _now;
    private string _token = "";

    [GlobalSetup]
    public void Setup()
    {
        _keys = KeyDirectory.Create();
        _service = new JwtAccessTokenService(_keys.Ring, new TokenOptions());
        _now = DateTimeOffset.UtcNow;
        _token = _service.Issue(UserId, SessionId, _now).Token;
        if (_service.ValidateAsync(_token, _now, CancellationToken.None).GetAwaiter().GetResult() is null)
        {
            throw new InvalidOperationException("The benchmark's own token does not validate: the numbers would measure a failure path.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _keys?.Dispose();

    [Benchmark(Description = "JWT issue (ES256)")]
    public AccessToken Issue() => _service.Issue(UserId, SessionId, _now);

    [Benchmark(Description = "JWT validate (ES256)")]
    public Task<AccessTokenClaims?> Validate() => _service.ValidateAsync(_token, _now, CancellationToken.None);
}
