using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Accounts.Storage.Hosting;

/// <summary>Ready when the database answers and its schema is the one this build expects.</summary>
internal sealed class StorageHealthCheck(SchemaMigrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        var status = await migrator.CheckAsync(cancellationToken);
        var data = new Dictionary<string, object>
        {
            ["provider"] = status.Provider,
            ["reachable"] = status.Reachable,
            ["currentVersion"] = (object?)status.CurrentVersion ?? "unknown",
            ["expectedVersion"] = status.ExpectedVersion,
        };
        if (status.IsCurrent)
        {
            return HealthCheckResult.Healthy($"{status.Provider} schema is current (version {status.ExpectedVersion}).", data);
        }

        var description = status.Error is { } error
            ? $"{status.Provider} {(status.Reachable ? "cannot be read" : "is unreachable")}: {error}"
            : $"{status.Provider} schema is at version {status.CurrentVersion}, this build expects {status.ExpectedVersion}.";
        return new HealthCheckResult(context.Registration.FailureStatus, description, data: data);
    }
}
