using System.Data.Common;

namespace Accounts.Storage;

/// <summary>
/// One database engine as the provider-neutral stores see it: how to open a connection, how to begin a write
/// transaction, how to tell which unique key a failed write violated, and the engine's migration scripts.
/// Everything else (the SQL of the stores, the migration runner) is written once in this assembly.
/// </summary>
/// <remarks>
/// Schema scripts name their keys by one convention, so that the stores can tell a duplicate username from a
/// duplicate email on every engine: <c>pk_{table}</c> for a primary key and <c>ux_{table}_{column}</c> (columns
/// joined by <c>_</c>) for a unique constraint or index. See <see cref="PrimaryKeyName"/> and <see cref="UniqueKeyName"/>.
/// </remarks>
public abstract class StorageProvider : IDisposable, IAsyncDisposable
{
    /// <summary>A short name of the engine for reports and logs, e.g. <c>sqlite</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The engine's schema scripts, in version order (see <see cref="MigrationScript.LoadEmbedded"/>).</summary>
    protected internal abstract IReadOnlyList<MigrationScript> Migrations { get; }

    /// <summary>
    /// SQL answering a count greater than zero when the table named by the parameter <c>@table</c> exists in the
    /// database the provider works in.
    /// </summary>
    protected internal abstract string TableExistsSql { get; }

    /// <summary>
    /// True when schema changes roll back with their transaction (SQLite, PostgreSQL): each script then runs in
    /// one transaction with the row recording it. False (MariaDB/MySQL commit DDL at once): scripts run outside
    /// a transaction, and only <see cref="AcquireMigrationLockAsync"/> keeps two processes apart.
    /// </summary>
    protected internal virtual bool TransactionalDdl => true;

    /// <summary>An open connection, set up as the engine needs (pragmas, session settings). The caller disposes it.</summary>
    protected internal abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Begins a transaction that will write. Engines that take locks lazily override this to take the write lock
    /// at once (SQLite: <c>BEGIN IMMEDIATE</c>), so that two writers wait for each other instead of failing.
    /// </summary>
    protected internal virtual async ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken);

    /// <summary>
    /// The name of the primary key or unique key that <paramref name="exception"/>, raised by a write to
    /// <paramref name="table"/>, says was violated, by the naming convention of this class; null when the
    /// exception is not a uniqueness violation.
    /// </summary>
    protected internal abstract string? FindViolatedKey(DbException exception, string table);

    /// <summary>
    /// Takes a lock, held until disposed, that keeps two processes from migrating the same database at once; null
    /// when the engine needs none (SQLite serializes writers by itself).
    /// </summary>
    protected internal virtual ValueTask<IAsyncDisposable?> AcquireMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IAsyncDisposable?>(null);

    /// <summary>Runs one migration script, which may hold several statements.</summary>
    protected internal virtual async Task ExecuteScriptAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Why the database could not be used, fit for a health report or a log: providers whose driver may echo a
    /// connection string or a password in its messages override this to leave them out.
    /// </summary>
    protected internal virtual string DescribeFailure(Exception exception) => exception.Message;

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases pooled connections or a data source; may be called more than once.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>The asynchronous form of <see cref="Dispose(bool)"/>, for drivers that close connections asynchronously.</summary>
    protected virtual ValueTask DisposeAsyncCore()
    {
        Dispose(disposing: true);
        return ValueTask.CompletedTask;
    }

    protected static string PrimaryKeyName(string table) => $"pk_{table}";

    protected static string UniqueKeyName(string table, IEnumerable<string> columns) => $"ux_{table}_{string.Join('_', columns)}";
}
