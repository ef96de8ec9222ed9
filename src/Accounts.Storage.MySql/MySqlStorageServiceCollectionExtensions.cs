using Accounts.Storage.MySql;

namespace Microsoft.Extensions.DependencyInjection;

public static class MySqlStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store ports over the MariaDB/MySQL database <paramref name="connectionString"/> names (see
    /// <see cref="MySqlStorage.CreateProvider"/>), with the migrator and migration at start (see
    /// <see cref="StorageServiceCollectionExtensions.AddAccountsStorage"/>). The string is checked here, so that a
    /// bad one stops the host at start-up rather than at the first request.
    /// </summary>
    public static IServiceCollection AddMySqlStorage(this IServiceCollection services, string connectionString)
    {
        MySqlStorageProvider.ParseConnectionString(connectionString);
        return services.AddAccountsStorage(_ => MySqlStorage.CreateProvider(connectionString));
    }
}
