using Accounts.Core.Users;
using Accounts.Storage.MySql;
using Accounts.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using MySql.Data.MySqlClient;

namespace Accounts.Storage.Tests.MySql;

/// <summary>
/// What the MariaDB/MySQL provider adds to the contract, on a real server (<c>ACCOUNTS_TEST_MARIADB</c>): the session
/// every pooled connection carries, the isolation of writes, the schema's collations, the migration lock, and
/// messages without the password. Skipped without a server.
/// </summary>
public sealed class MariaDbStorageTests : IAsyncLifetime
{
    private ServerTestDatabase? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServerTestDatabase Server => _server ?? throw new InvalidOperationException("The test has not been initialized.");

    private MySqlStorageProvider Provider => (MySqlStorageProvider)Server.Database.Provider;

    public async ValueTask InitializeAsync() => _server = await MariaDbTestServer.CreateServerDatabaseAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.Database.DisposeAsync();
        }
    }

    [Fact]
    public async Task PooledConnectionsKeepReadingUtf8mb3MetadataAndWarnings()
    {
        await new SchemaMigrator(Provider, new ManualTimeProvider()).MigrateAsync(Ct);
        var threads = new HashSet<long>();

        for (var use = 0; use < 5; use++)
        {
            await using var connection = (MySqlConnection)await Provider.OpenForTestsAsync(Ct);
            threads.Add(connection.ServerThread);

            (await ScalarAsync(connection, "SELECT @@character_set_results")).ShouldBe("utf8mb4");
            ((string?)await ScalarAsync(connection, "SELECT @@sql_mode")).ShouldNotBeNull().ShouldContain("STRICT_ALL_TABLES");

            // information_schema text is utf8mb3, and a note makes the driver read SHOW WARNINGS: both used to throw
            // and leave the connection broken.
            (await ScalarAsync(connection, "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'users'"))
                .ShouldBe("users");
            await ScalarAsync(connection, "DROP TABLE IF EXISTS no_such_table");
            (await ScalarAsync(connection, "SELECT 'still usable'")).ShouldBe("still usable");
        }

        // The same session each time: settings made when it was opened survive the pool (Connection Reset is off).
        threads.Count.ShouldBe(1);
    }

    [Fact]
    public async Task WriteTransactionsRunAtReadCommitted()
    {
        await using var connection = await Provider.OpenForTestsAsync(Ct);
        await using var transaction = await Provider.BeginWriteForTestsAsync(connection, Ct);

        (await ScalarAsync((MySqlConnection)connection, "SELECT @@tx_isolation", (MySqlTransaction)transaction)).ShouldBe("READ-COMMITTED");
    }

    [Fact]
    public async Task DriverCompletesAsynchronousCallsSynchronously()
    {
        // MySql.Data 8.0.16 does its I/O before it returns the task: the README's thread-pool advice rests on this.
        var opening = Provider.OpenForTestsAsync(Ct);

        opening.IsCompleted.ShouldBeTrue();
        await using var connection = await opening;
    }

    [Fact]
    public async Task EveryTableIsInnoDbAndEveryTextColumnComparesByteForByte()
    {
        await new SchemaMigrator(Provider, new ManualTimeProvider()).MigrateAsync(Ct);
        await using var connection = (MySqlConnection)await Provider.OpenForTestsAsync(Ct);

        var engines = await ScalarAsync(connection, """
            SELECT GROUP_CONCAT(DISTINCT CONCAT(engine, ' ', table_collation)) FROM information_schema.tables
            WHERE table_schema = DATABASE() AND table_name <> 'schema_migrations'
            """);
        var otherCollations = await ScalarAsync(connection, """
            SELECT COUNT(*) FROM information_schema.columns
            WHERE table_schema = DATABASE() AND table_name <> 'schema_migrations'
              AND collation_name IS NOT NULL AND collation_name <> 'utf8mb4_bin'
            """);

        engines.ShouldBe("InnoDB utf8mb4_bin");
        otherCollations.ShouldBe(0L);
    }

    [Fact]
    public async Task MigrateStopsWaitingForTheLockWhenCancelled()
    {
        // Another process holds this database's migration lock.
        var connectionString = new MySqlConnectionStringBuilder(Server.ConnectionString) { Pooling = false }.ConnectionString;
        await using var holder = new MySqlConnection(connectionString);
        await holder.OpenAsync(Ct);
        (await ScalarAsync(holder, "SELECT GET_LOCK(CONCAT('accounts.schema.', SHA1(DATABASE())), 0)")).ShouldBe(1L);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(300));
        var migrator = new SchemaMigrator(Provider, new ManualTimeProvider());

        await Should.ThrowAsync<OperationCanceledException>(() => migrator.MigrateAsync(cancellation.Token));

        await holder.CloseAsync();
        (await migrator.MigrateAsync(Ct)).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task CheckReportsWrongPasswordAsUnreachableWithoutThePassword()
    {
        var password = $"wrong-{Guid.NewGuid():N}";
        var connectionString = new MySqlConnectionStringBuilder(Server.ConnectionString) { Password = password }.ConnectionString;
        await using var provider = MySqlStorage.CreateProvider(connectionString);

        var status = await new SchemaMigrator(provider, new ManualTimeProvider()).CheckAsync(Ct);

        status.Reachable.ShouldBeFalse();
        status.Error.ShouldNotBeNull().ShouldContain("Access denied");
        status.Error.ShouldNotContain(password);
    }

    [Fact]
    public async Task CheckReportsUnreachableServerWithoutThePassword()
    {
        var password = MariaDbTestServer.AdminPassword;
        await using var provider = MySqlStorage.CreateProvider(MariaDbTestServer.UnreachableConnectionString(password));

        var status = await new SchemaMigrator(provider, new ManualTimeProvider()).CheckAsync(Ct);

        status.Reachable.ShouldBeFalse();
        status.Error.ShouldNotBeNullOrWhiteSpace();
        status.Error.ShouldNotContain(password);
    }

    [Fact]
    public async Task HostGetsEveryPortOverAMigratedDatabase()
    {
        var connectionString = Server.ConnectionString;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddMySqlStorage(connectionString);
        builder.Services.AddHealthChecks().AddAccountsStorageCheck(tags: "ready");
        using var host = builder.Build();

        await host.StartAsync(Ct);

        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct)).Status.ShouldBe(HealthStatus.Healthy);
        var users = host.Services.GetRequiredService<IUserStore>();
        var user = new UserRecord
        {
            Id = "u-1",
            Username = "Ada",
            NormalizedUsername = "ada",
            DisplayName = "Ada Lovelace \u00e9\U0001F600",
            PasswordHash = "hash",
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
        };
        (await users.CreateAsync(user, Ct)).ShouldBe(UserWriteResult.Success);
        (await users.FindByUsernameAsync("ada", Ct)).ShouldBe(user);
        await host.StopAsync(Ct);
    }

    private static async Task<object?> ScalarAsync(MySqlConnection connection, string sql, MySqlTransaction? transaction = null)
    {
        await using var command = new MySqlCommand(sql, connection, transaction);
        var value = await command.ExecuteScalarAsync(Ct);
        return value is DBNull ? null : value;
    }
}
