using System.Globalization;
using System.Threading.RateLimiting;
using Accounts.Core.Throttling;
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
                var services = context.RequestServices;
                var options = services.GetRequiredService<RateLimitOptions>();
                var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.Get(address, key => new SharedWindowLimiter(
                    services.GetRequiredService<IRateLimitCounter>(),
                    "http-auth:" + key,
                    options.AuthPermitLimit,
                    options.AuthWindow,
                    services.GetRequiredService<TimeProvider>()));
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
