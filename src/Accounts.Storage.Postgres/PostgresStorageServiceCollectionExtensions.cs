using Accounts.Storage.Postgres;

namespace Microsoft.Extensions.DependencyInjection;

public static class PostgresStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store ports over the PostgreSQL database <paramref name="connectionString"/> names (see
    /// <see cref="PostgresStorage.CreateProvider"/>), with the migrator and migration at start (see
    /// <see cref="StorageServiceCollectionExtensions.AddAccountsStorage"/>). The string is checked here, so that a
    /// bad one stops the host at start-up rather than at the first request.
    /// </summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, string connectionString)
    {
        PostgresStorageProvider.ParseConnectionString(connectionString);
        return services.AddAccountsStorage(_ => PostgresStorage.CreateProvider(connectionString));
    }
}
