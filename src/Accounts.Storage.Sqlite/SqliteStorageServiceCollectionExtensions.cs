using Accounts.Storage.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

public static class SqliteStorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store ports over the SQLite file at <paramref name="databasePath"/>, with the migrator and
    /// migration at start (see <see cref="StorageServiceCollectionExtensions.AddAccountsStorage"/>).
    /// </summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        return services.AddAccountsStorage(_ => SqliteStorage.CreateProvider(databasePath));
    }
}
