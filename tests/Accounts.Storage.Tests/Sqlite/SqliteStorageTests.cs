using Accounts.Core.Sessions;
using Accounts.Storage.Sqlite;
using Accounts.Testing;
using Microsoft.Data.Sqlite;

namespace Accounts.Storage.Tests.Sqlite;

/// <summary>What the SQLite provider adds to the contract: the connection settings every connection must carry.</summary>
public sealed class SqliteStorageTests : IAsyncLifetime
{
    private readonly string _folder = SqliteTestFolder.Create();
    private readonly AccountStorage _storage;

    public SqliteStorageTests()
    {
        _storage = SqliteStorage.Create(DatabasePath, new ManualTimeProvider());
    }

    private string DatabasePath => Path.Combine(_folder, "accounts.db");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _storage.Migrator.MigrateAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await _storage.DisposeAsync();
        await SqliteTestFolder.Delete(_folder);
    }

    [Fact]
    public async Task DatabaseFileIsInWriteAheadLogMode()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        (await command.ExecuteScalarAsync(Ct)).ShouldBe("wal");
    }

    [Fact]
    public async Task ForeignKeysAreEnforced()
    {
        var orphan = new Session("s-1", "no-such-user", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1));

        var error = await Should.ThrowAsync<SqliteException>(() =>
            _storage.Sessions.CreateAsync(orphan, new RefreshToken("t-1", "s-1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1)), Ct));

        error.Message.ShouldContain("FOREIGN KEY");
        (await _storage.Sessions.FindSessionAsync("s-1", Ct)).ShouldBeNull();
    }

    [Fact]
    public void CreateProviderRefusesBlankPath()
    {
        Should.Throw<ArgumentException>(() => SqliteStorage.CreateProvider(" "));
    }
}
