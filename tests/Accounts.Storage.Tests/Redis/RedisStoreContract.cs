using Accounts.Core.Sessions;
using Accounts.Core.Verification;
using Accounts.Redis;
using Accounts.Storage.Redis;
using Accounts.Storage.Sqlite;
using Accounts.Storage.Tests.Sqlite;

namespace Accounts.Storage.Tests.Redis;

/// <summary>
/// The store contract with codes and lockouts in Redis, as a deployment with <c>Accounts:Redis</c> set has them
/// (the rest on SQLite): the Redis stores must honour every promise the database ones do.
/// </summary>
public sealed class RedisStoreContract : StoreContract
{
    private RedisClient? _client;
    private RedisKeys? _keys;

    protected override IVerificationCodeStore Codes => new RedisVerificationCodeStore(Client, _keys!);

    protected override ILockoutStore Lockouts => new RedisLockoutStore(Client, _keys!);

    protected override bool LockoutsLiveWithUsers => false;

    private RedisClient Client => _client ?? throw new InvalidOperationException("Redis is not connected.");

    protected override async Task<TestDatabase> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            (_client, _keys) = await RedisFixture.ConnectAsync();
        }

        var folder = SqliteTestFolder.Create();
        var path = Path.Combine(folder, "accounts.db");
        return new TestDatabase(() => SqliteStorage.CreateProvider(path), () => SqliteTestFolder.Delete(folder));
    }

    protected override StorageProvider CreateUnreachableProvider() =>
        SqliteStorage.CreateProvider(Path.Combine(Path.GetTempPath(), "accounts-storage-tests", Guid.NewGuid().ToString("N"), "no-such-folder", "accounts.db"));

    public override async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
