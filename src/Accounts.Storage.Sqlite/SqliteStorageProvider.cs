using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Accounts.Storage.Sqlite;

internal sealed class SqliteStorageProvider : StorageProvider
{
    private const int ConstraintError = 19;
    private const int PrimaryKeyViolation = 1555;
    private const int UniqueViolation = 2067;

    // Concurrent writers wait this long for the write lock instead of failing at once with SQLITE_BUSY.
    private const int BusyTimeoutMilliseconds = 5000;

    private static readonly IReadOnlyList<MigrationScript> Scripts =
        MigrationScript.LoadEmbedded(typeof(SqliteStorageProvider).Assembly, "Accounts.Storage.Sqlite.Migrations.");

    private readonly string _connectionString;
    private readonly SemaphoreSlim _journalGate = new(1, 1);
    private volatile bool _journalSet;

    public SqliteStorageProvider(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(databasePath),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
    }

    public override string Name => "sqlite";

    protected override IReadOnlyList<MigrationScript> Migrations => Scripts;

    protected override string TableExistsSql => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @table";

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // Per connection, and pooled connections keep them: foreign keys are off by default in SQLite.
            await ExecuteAsync(connection, $"PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {BusyTimeoutMilliseconds};", cancellationToken);
            if (!_journalSet)
            {
                await SetJournalModeAsync(connection, cancellationToken);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // BEGIN IMMEDIATE takes the write lock now: a deferred transaction that reads and then writes cannot wait
        // for the lock (SQLite fails it at once to avoid a deadlock), an immediate one waits for busy_timeout.
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
    }

    protected override string? FindViolatedKey(DbException exception, string table)
    {
        if (exception is not SqliteException { SqliteErrorCode: ConstraintError } sqlite)
        {
            return null;
        }

        if (sqlite.SqliteExtendedErrorCode == PrimaryKeyViolation)
        {
            return PrimaryKeyName(table);
        }

        if (sqlite.SqliteExtendedErrorCode != UniqueViolation)
        {
            return null;
        }

        // SQLite names the columns, not the index: "UNIQUE constraint failed: users.email_index" (", " between
        // columns of a composite key). The naming convention turns them back into the index's name.
        const string Marker = "constraint failed: ";
        var message = sqlite.Message;
        var start = message.IndexOf(Marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return $"ux_{table}";
        }

        start += Marker.Length;
        var end = message.IndexOf('\'', start);
        var columns = message[start..(end < 0 ? message.Length : end)]
            .Split(", ", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(column => column[(column.IndexOf('.', StringComparison.Ordinal) + 1)..]);
        return UniqueKeyName(table, columns);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Pooled connections hold the file (and its -wal, -shm) open: let them go with the provider.
            using (var connection = new SqliteConnection(_connectionString))
            {
                SqliteConnection.ClearPool(connection);
            }

            _journalGate.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task SetJournalModeAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // WAL lets readers go on while one writer writes. It is a property of the file, so once per process is enough.
        await _journalGate.WaitAsync(cancellationToken);
        try
        {
            if (!_journalSet)
            {
                await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);
                _journalSet = true;
            }
        }
        finally
        {
            _journalGate.Release();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
