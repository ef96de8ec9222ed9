using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Accounts.Server.Http;

/// <summary>Per-address limits on the routes that take secrets (section <c>Accounts:RateLimits</c>).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Accounts:RateLimits";

    /// <summary>Requests one client address may make to the auth routes per window: enough for an office behind one address.</summary>
    public int AuthPermitLimit { get; set; } = 300;

    public TimeSpan AuthWindow { get; set; } = TimeSpan.FromMinutes(1);
}

internal static class RateLimits
{
    public const string AuthPolicy = "auth";

    public static IServiceCollection AddAccountsRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(AuthPolicy, context =>
            {
                var options = context.RequestServices.GetRequiredService<RateLimitOptions>();
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = options.AuthPermitLimit,
                        Window = options.AuthWindow,
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
            });

            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests.",
                        Type = Problems.TypeOf("rate_limited"),
                        Detail = "Too many requests from this address: try again later.",
                        Extensions = { ["code"] = "rate_limited" },
                    },
                });
            };
        });
        return services;
    }
}
