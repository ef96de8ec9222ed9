using System.Data;
using System.Data.Common;
using Npgsql;

namespace Accounts.Storage.Postgres;

internal sealed class PostgresStorageProvider : StorageProvider
{
    private const string UniqueViolation = "23505";

    // One advisory lock key for "migrating this database": advisory locks belong to a database, so databases on one
    // server do not wait for each other. The value is "accounts" in ASCII.
    private const long MigrationLockKey = 7017561974736057459;

    // How long a process waits for another one's migration before giving up.
    private const int MigrationLockTimeoutSeconds = 600;

    private static readonly IReadOnlyList<MigrationScript> Scripts =
        MigrationScript.LoadEmbedded(typeof(PostgresStorageProvider).Assembly, "Accounts.Storage.Postgres.Migrations.");

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _password;

    public PostgresStorageProvider(string connectionString)
    {
        var builder = ParseConnectionString(connectionString);
        _password = builder.Password ?? "";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Name => "postgresql";

    protected override IReadOnlyList<MigrationScript> Migrations => Scripts;

    protected override string TableExistsSql =>
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @table";

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override async ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        // Pinned rather than left to default_transaction_isolation: the stores' conditional updates are written for
        // READ COMMITTED, where a blocked UPDATE re-checks its WHERE on the row the other transaction committed.
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    protected override string? FindViolatedKey(DbException exception, string table) =>
        exception is PostgresException { SqlState: UniqueViolation } violation
            ? violation.ConstraintName ?? $"ux_{table}"
            : null;

    protected override async ValueTask<IAsyncDisposable?> AcquireMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // A session lock, not a transaction one: the migrator runs one transaction per script under it.
        var npgsql = (NpgsqlConnection)connection;
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", npgsql);
        command.Parameters.AddWithValue("key", MigrationLockKey);
        command.CommandTimeout = MigrationLockTimeoutSeconds;
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (NpgsqlException exception) when (exception.InnerException is TimeoutException)
        {
            throw new TimeoutException(
                $"Another process has held the schema migration lock of database '{npgsql.Database}' for {MigrationLockTimeoutSeconds} s.",
                exception);
        }

        return new MigrationLock(npgsql);
    }

    protected override async Task ExecuteScriptAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;

        // A schema change on a large table may take longer than the default command timeout.
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override string DescribeFailure(Exception exception) => FailureText.Describe(exception, _password);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _dataSource.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override ValueTask DisposeAsyncCore() => _dataSource.DisposeAsync();

    /// <summary>The connection string as the provider uses it; throws <see cref="ArgumentException"/> for one it cannot use.</summary>
    internal static NpgsqlConnectionStringBuilder ParseConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException exception)
        {
            // The driver names the keyword it does not know; the string itself (and its password) stays out.
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {exception.Message}", nameof(connectionString));
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException("The PostgreSQL connection string names no Host.", nameof(connectionString));
        }

        // Npgsql would otherwise fall back to a database named after the user: say which one, always.
        if (string.IsNullOrWhiteSpace(builder.Database))
        {
            throw new ArgumentException("The PostgreSQL connection string names no Database.", nameof(connectionString));
        }

        return builder;
    }

    private sealed class MigrationLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                command.Parameters.AddWithValue("key", MigrationLockKey);
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // The lock belongs to the session: make sure this one is not handed out again by the pool.
                NpgsqlConnection.ClearPool(connection);
            }
        }
    }
}
