namespace Accounts.Storage.Postgres;

/// <summary>Entry points to the PostgreSQL storage for hosts, tools and tests.</summary>
public static class PostgresStorage
{
    /// <summary>
    /// A provider over the database that <paramref name="connectionString"/> names, in Npgsql's form, e.g.
    /// <c>Host=db.example;Port=5432;Database=accounts;Username=accounts;Password=...</c>. Host and Database are
    /// required; the database must exist (the migrator creates the tables, not the database). Pooling, TLS and
    /// timeouts are the string's. The provider owns one <c>NpgsqlDataSource</c>, closed when it is disposed.
    /// Throws <see cref="ArgumentException"/> for a string that lacks Host or Database or that Npgsql cannot read.
    /// </summary>
    public static StorageProvider CreateProvider(string connectionString) => new PostgresStorageProvider(connectionString);

    /// <summary>The five store ports and the migrator over the database <paramref name="connectionString"/> names.</summary>
    public static AccountStorage Create(string connectionString, TimeProvider time) => new(CreateProvider(connectionString), time);
}
