using Accounts.Storage.Postgres;
using Npgsql;

namespace Accounts.Storage.Tests.Postgres;

/// <summary>
/// The PostgreSQL server the tests use, named by <c>ACCOUNTS_TEST_POSTGRES</c>: an admin connection string (Npgsql's
/// form) whose role may create databases. Each test database is new, uniquely named and dropped after its test.
/// Tests that need the server are skipped when the variable is not set.
/// </summary>
internal static class PostgresTestServer
{
    public const string Variable = "ACCOUNTS_TEST_POSTGRES";

    private const string SkipReason =
        $"{Variable} is not set: the PostgreSQL tests need a server (./test.sh starts one; or source " +
        "scripts/test-servers/postgres.sh and run start_postgres).";

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
    public static string AdminPassword => new NpgsqlConnectionStringBuilder(RequireAdminConnectionString()).Password ?? "";

    public static async Task<TestDatabase> CreateDatabaseAsync(CancellationToken cancellationToken) =>
        (await CreateServerDatabaseAsync(cancellationToken)).Database;

    /// <summary>A new empty database, with its name and an admin connection string to it.</summary>
    public static async Task<ServerTestDatabase> CreateServerDatabaseAsync(CancellationToken cancellationToken)
    {
        var admin = RequireAdminConnectionString();
        var name = $"accounts_test_{Guid.NewGuid():N}";

        // From template0: nobody is ever connected to it, so databases made at the same moment do not collide.
        // FILE_COPY (PostgreSQL 15+) copies its few files instead of writing every page to the WAL: twice as fast
        // for a database this small.
        await ExecuteAsync(
            admin,
            version => $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'{(version.Major >= 15 ? " STRATEGY FILE_COPY" : "")}",
            cancellationToken);
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        var database = new TestDatabase(
            () => PostgresStorage.CreateProvider(connectionString),
            async () => await ExecuteAsync(admin, _ => $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None));
        return new ServerTestDatabase(name, connectionString, database);
    }

    /// <summary>A connection string to a port nobody listens on, with the admin password in it.</summary>
    public static string UnreachableConnectionString(string password) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = 1,
            Database = "accounts",
            Username = "accounts",
            Password = password,
            Timeout = 5,
        }.ConnectionString;

    private static async Task ExecuteAsync(string admin, Func<Version, string> sql, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(admin) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql(connection.PostgreSqlVersion), connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
