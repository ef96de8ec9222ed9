namespace Accounts.Storage.Sqlite;

/// <summary>Entry points to the SQLite storage for hosts, tools and tests.</summary>
public static class SqliteStorage
{
    /// <summary>
    /// A provider over the database file at <paramref name="databasePath"/>, created on first use; its folder must
    /// exist. Foreign keys on, WAL journal, writers wait up to 5 s for each other.
    /// </summary>
    public static StorageProvider CreateProvider(string databasePath) => new SqliteStorageProvider(databasePath);

    /// <summary>The five store ports and the migrator over the database file at <paramref name="databasePath"/>.</summary>
    public static AccountStorage Create(string databasePath, TimeProvider time) => new(CreateProvider(databasePath), time);
}
