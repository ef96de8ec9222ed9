using Accounts.Redis;
using Accounts.Server.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Accounts.Server.Health;

/// <summary>Ready only if Redis answers, when the deployment uses it.</summary>
internal sealed class RedisHealthCheck(RedisSettings settings, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        if (!settings.Enabled)
        {
            return HealthCheckResult.Healthy("Redis is not configured: shared state is kept in the process and the database.");
        }

        try
        {
            await services.GetRequiredService<IRedisClient>().PingAsync(cancellationToken);
            return HealthCheckResult.Healthy("Redis answers.");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Redis does not answer: {ex.Message}");
        }
    }
}
