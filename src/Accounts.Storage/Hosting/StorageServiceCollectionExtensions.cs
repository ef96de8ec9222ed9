using Accounts.Storage;
using Accounts.Storage.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the five store ports, <see cref="AccountStorage"/> and
    /// <see cref="SchemaMigrator"/> over the provider <paramref name="createProvider"/> makes, and
    /// migration at start, which <see cref="StorageOptions.MigrateOnStart"/> (bound from <c>Accounts:Storage</c>) can switch off.
    /// Engine projects wrap this (e.g. <c>AddSqliteStorage</c>).
    /// </summary>
    public static IServiceCollection AddAccountsStorage(this IServiceCollection services, Func<IServiceProvider, StorageProvider> createProvider)
    {
        ArgumentNullException.ThrowIfNull(createProvider);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section);
        services.AddSingleton(sp => new AccountStorage(createProvider(sp), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => sp.GetRequiredService<AccountStorage>().Migrator);
        services.AddSingleton(sp => sp.GetRequiredService<AccountStorage>().Users);
        services.AddSingleton(sp => sp.GetRequiredService<AccountStorage>().Codes);
        services.AddSingleton(sp => sp.GetRequiredService<AccountStorage>().Sessions);
        services.AddSingleton(sp => sp.GetRequiredService<AccountStorage>().Lockouts);
        services.AddSingleton(sp => sp.GetRequiredService<AccountStorage>().Audit);
        services.AddHostedService<MigrateOnStartService>();
        return services;
    }

    /// <summary>
    /// Adds a check that the database is reachable and its schema current, for a readiness endpoint
    /// (e.g. <c>tags: ["ready"]</c> and <c>/health/ready</c> filtered on that tag).
    /// </summary>
    public static IHealthChecksBuilder AddAccountsStorageCheck(this IHealthChecksBuilder builder, string name = "storage", params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<StorageHealthCheck>(name, failureStatus: null, tags: tags);
    }
}
