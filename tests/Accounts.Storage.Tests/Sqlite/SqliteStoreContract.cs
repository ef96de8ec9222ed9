using Accounts.Storage;
using Accounts.Storage.Sqlite;

namespace Accounts.Storage.Tests.Sqlite;

/// <summary>The store contract on a SQLite file in a temporary folder of its own, deleted after the test.</summary>
public sealed class SqliteStoreContract : StoreContract
{
    protected override Task<TestDatabase> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var folder = SqliteTestFolder.Create();
        var path = Path.Combine(folder, "accounts.db");
        return Task.FromResult(new TestDatabase(() => SqliteStorage.CreateProvider(path), () => SqliteTestFolder.Delete(folder)));
    }

    protected override StorageProvider CreateUnreachableProvider() =>
        SqliteStorage.CreateProvider(Path.Combine(Path.GetTempPath(), "accounts-storage-tests", Guid.NewGuid().ToString("N"), "no-such-folder", "accounts.db"));
}
