using Accounts.Storage.Postgres;

namespace Accounts.Storage.Tests.Postgres;

/// <summary>The store contract on PostgreSQL (<c>ACCOUNTS_TEST_POSTGRES</c>), a new database per test; skipped without a server.</summary>
public sealed class PostgresStoreContract : StoreContract
{
    protected override Task<TestDatabase> CreateDatabaseAsync(CancellationToken cancellationToken) =>
        PostgresTestServer.CreateDatabaseAsync(cancellationToken);

    protected override StorageProvider CreateUnreachableProvider() =>
        PostgresStorage.CreateProvider(PostgresTestServer.UnreachableConnectionString(PostgresTestServer.AdminPassword));
}
