using Accounts.Core.Users;
using Accounts.Storage.Postgres;
using Accounts.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Accounts.Storage.Tests.Postgres;

/// <summary>
/// What the PostgreSQL provider adds to the contract: connection strings, the schema's types and collations, the
/// migration lock, and messages without the password. Tests that need a server (<c>ACCOUNTS_TEST_POSTGRES</c>)
/// are skipped without one.
/// </summary>
public sealed class PostgresStorageTests : IAsyncDisposable
{
    private ServerTestDatabase? _server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.Database.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("Database=accounts;Username=accounts")]
    [InlineData("Host=127.0.0.1;Username=accounts")]
    [InlineData("Host=127.0.0.1;Database=accounts;No Such Keyword=1")]
    public void CreateProviderRefusesUnusableConnectionString(string connectionString)
    {
        Should.Throw<ArgumentException>(() => PostgresStorage.CreateProvider(connectionString));
    }

    [Fact]
    public void AddPostgresStorageRefusesUnusableConnectionStringAtRegistration()
    {
        Should.Throw<ArgumentException>(() => new ServiceCollection().AddPostgresStorage("Host=127.0.0.1;Password=secret-1"))
            .Message.ShouldNotContain("secret-1");
    }

    [Fact]
    public async Task ImageIsByteaAndKeysCompareByteForByte()
    {
        var database = await CreateDatabaseAsync();
        await new SchemaMigrator(database.Database.Provider, new ManualTimeProvider()).MigrateAsync(Ct);
        await using var connection = await OpenAdminAsync(database);

        (await ScalarAsync(connection, "SELECT data_type FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'image'"))
            .ShouldBe("bytea");
        var keyCollations = await ScalarAsync(connection, """
            SELECT string_agg(DISTINCT coalesce(collation_name, 'default'), ',') FROM information_schema.columns
            WHERE table_schema = current_schema()
              AND column_name IN ('id', 'user_id', 'session_id', 'normalized_username', 'email_index', 'phone_index',
                                  'destination_index', 'code_hash', 'token_hash')
              AND data_type IN ('text', 'character varying')
            """);
        keyCollations.ShouldBe("C");
    }

    [Fact]
    public async Task MigrateStopsWaitingForTheLockWhenCancelled()
    {
        var database = await CreateDatabaseAsync();
        await using var holder = await OpenAdminAsync(database);
        await ScalarAsync(holder, "SELECT pg_advisory_lock(7017561974736057459)");
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(300));
        var migrator = new SchemaMigrator(database.Database.Provider, new ManualTimeProvider());

        await Should.ThrowAsync<OperationCanceledException>(() => migrator.MigrateAsync(cancellation.Token));

        await holder.CloseAsync();
        (await migrator.MigrateAsync(Ct)).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task CheckReportsWrongPasswordAsUnreachableWithoutThePassword()
    {
        var database = await CreateDatabaseAsync();
        var password = $"wrong-{Guid.NewGuid():N}";
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Password = password }.ConnectionString;
        await using var provider = PostgresStorage.CreateProvider(connectionString);

        var status = await new SchemaMigrator(provider, new ManualTimeProvider()).CheckAsync(Ct);

        status.Reachable.ShouldBeFalse();
        status.Error.ShouldNotBeNull().ShouldContain("password authentication failed");
        status.Error.ShouldNotContain(password);
    }

    [Fact]
    public async Task CheckReportsUnreachableServerWithoutThePassword()
    {
        var password = PostgresTestServer.AdminPassword;
        await using var provider = PostgresStorage.CreateProvider(PostgresTestServer.UnreachableConnectionString(password));

        var status = await new SchemaMigrator(provider, new ManualTimeProvider()).CheckAsync(Ct);

        status.Reachable.ShouldBeFalse();
        status.Error.ShouldNotBeNullOrWhiteSpace();
        status.Error.ShouldNotContain(password);
    }

    [Fact]
    public async Task HostGetsEveryPortOverAMigratedDatabase()
    {
        var database = await CreateDatabaseAsync();
        var connectionString = database.ConnectionString;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddPostgresStorage(connectionString);
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

    private async Task<ServerTestDatabase> CreateDatabaseAsync() => _server = await PostgresTestServer.CreateServerDatabaseAsync(Ct);

    private static async Task<NpgsqlConnection> OpenAdminAsync(ServerTestDatabase database)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString;
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(Ct);
        return value is DBNull ? null : value;
    }
}
