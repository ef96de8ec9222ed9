using Accounts.Storage.MySql;

namespace Accounts.Storage.Tests.MySql;

/// <summary>The store contract on MariaDB (<c>ACCOUNTS_TEST_MARIADB</c>), a new database per test; skipped without a server.</summary>
public sealed class MariaDbStoreContract : StoreContract
{
    protected override Task<TestDatabase> CreateDatabaseAsync(CancellationToken cancellationToken) =>
        MariaDbTestServer.CreateDatabaseAsync(cancellationToken);

    protected override StorageProvider CreateUnreachableProvider() =>
        MySqlStorage.CreateProvider(MariaDbTestServer.UnreachableConnectionString(MariaDbTestServer.AdminPassword));
}
