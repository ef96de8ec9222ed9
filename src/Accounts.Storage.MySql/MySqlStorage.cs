namespace Accounts.Storage.MySql;

/// <summary>Entry points to the MariaDB/MySQL storage for hosts, tools and tests.</summary>
public static class MySqlStorage
{
    /// <summary>
    /// A provider over the database that <paramref name="connectionString"/> names, in MySql.Data's form, e.g.
    /// <c>Server=db.example;Port=3306;Database=accounts;User ID=accounts;Password=...</c>. Server and Database are
    /// required; the database must exist (the migrator creates the tables, not the database). The provider always
    /// talks utf8mb4 and switches the driver's <c>Connection Reset</c> off, whatever the string says; pooling,
    /// TLS (<c>SslMode</c>) and timeouts are the string's. Throws <see cref="ArgumentException"/> for a string
    /// that lacks Server or Database or that the driver cannot read.
    /// </summary>
    public static StorageProvider CreateProvider(string connectionString) => new MySqlStorageProvider(connectionString);

    /// <summary>The five store ports and the migrator over the database <paramref name="connectionString"/> names.</summary>
    public static AccountStorage Create(string connectionString, TimeProvider time) => new(CreateProvider(connectionString), time);
}
