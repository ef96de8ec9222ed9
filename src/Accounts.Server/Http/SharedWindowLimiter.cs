using System.Threading.RateLimiting;
using Accounts.Core.Throttling;

namespace Accounts.Server.Http;

/// <summary>
/// A fixed-window limiter whose counts live behind <see cref="IRateLimitCounter"/>: in the process for the embedded
/// default, in Redis when configured, so every process of a deployment counts one client's requests together.
/// </summary>
/// <remarks>
/// The synchronous path never decides (it cannot reach Redis without blocking); ASP.NET Core's middleware then asks
/// the asynchronous path, which counts the request.
/// </remarks>
internal sealed class SharedWindowLimiter(IRateLimitCounter counter, string key, int limit, TimeSpan window, TimeProvider time) : RateLimiter
{
    private long _lastUsed = time.GetTimestamp();

    public override TimeSpan? IdleDuration => time.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Undecided;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsed, time.GetTimestamp());
        var wait = await counter.TryAcquireAsync(key, limit, window, cancellationToken);
        return wait is null ? Lease.Granted : new Lease(false, wait);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease Undecided = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
