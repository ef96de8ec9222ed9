using Accounts.Storage.MySql;
using MySql.Data.MySqlClient;

namespace Accounts.Storage.Tests.MySql;

/// <summary>
/// The MariaDB (or MySQL) server the tests use, named by <c>ACCOUNTS_TEST_MARIADB</c>: an admin connection string
/// (MySql.Data's form) whose user may create and drop databases. Each test database is new, uniquely named and
/// dropped after its test. Tests that need the server are skipped when the variable is not set.
/// </summary>
internal static class MariaDbTestServer
{
    public const string Variable = "ACCOUNTS_TEST_MARIADB";

    private const string SkipReason =
        $"{Variable} is not set: the MariaDB tests need a server (./test.sh starts one; or source " +
        "scripts/test-servers/mariadb.sh and run start_mariadb).";

    public static string? AdminConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>The admin connection string, or the current test skipped with the reason.</summary>
    public static string RequireAdminConnectionString()
    {
        var admin = AdminConnectionString;
        Assert.SkipWhen(admin is null, SkipReason);
        return admin!;
    }

    /// <summary>The admin password, for tests that check it never shows in a message.</summary>
    public static string AdminPassword => new MySqlConnectionStringBuilder(RequireAdminConnectionString()).Password;

    /// <summary>
    /// A new empty database. Its default collation is the case-insensitive one most servers have, so that the
    /// contract proves the scripts ask for the binary collation themselves.
    /// </summary>
    public static async Task<TestDatabase> CreateDatabaseAsync(CancellationToken cancellationToken) =>
        (await CreateServerDatabaseAsync(cancellationToken)).Database;

    /// <summary>A new empty database, with its name and an admin connection string to it.</summary>
    public static async Task<ServerTestDatabase> CreateServerDatabaseAsync(CancellationToken cancellationToken)
    {
        var admin = RequireAdminConnectionString();
        var name = $"accounts_test_{Guid.NewGuid():N}";
        await ExecuteAsync(admin, $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", cancellationToken);
        var connectionString = new MySqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        var database = new TestDatabase(
            () => MySqlStorage.CreateProvider(connectionString),
            async () => await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS `{name}`", CancellationToken.None));
        return new ServerTestDatabase(name, connectionString, database);
    }

    /// <summary>A connection string to a port nobody listens on, with the admin password in it.</summary>
    public static string UnreachableConnectionString(string password) =>
        new MySqlConnectionStringBuilder
        {
            Server = "127.0.0.1",
            Port = 1,
            Database = "accounts",
            UserID = "accounts",
            Password = password,
            ConnectionTimeout = 5,
        }.ConnectionString;

    private static async Task ExecuteAsync(string admin, string sql, CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder(admin) { Pooling = false, CharacterSet = "utf8mb4" };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        // MySql.Data 8.0.16 cannot read MariaDB's utf8mb3 metadata, which a warning (DROP ... IF EXISTS) brings.
        await using (var names = new MySqlCommand("SET NAMES utf8mb4", connection))
        {
            await names.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
