using System.Data;
using System.Data.Common;
using System.Globalization;
using MySql.Data.MySqlClient;

namespace Accounts.Storage.MySql;

/// <remarks>
/// MySql.Data 8.0.16 is the only MySQL driver in this project's registry; three of its habits shape this class
/// (src/Accounts.Storage/README.md has the whole story):
/// <list type="bullet">
/// <item>It predates MariaDB's <c>utf8mb3</c> name: a result carrying utf8mb3 metadata (a warning, SHOW,
/// information_schema text) throws and leaves the connection unusable. Every connection therefore runs
/// <see cref="SessionSetup"/> when it is opened, which makes the server send results in utf8mb4.</item>
/// <item>Its <c>Connection Reset</c> (COM_CHANGE_USER) fails against MariaDB 10.11 and would undo the session setup,
/// so it is switched off: a pooled connection keeps its session settings, and setting them again is one cheap
/// round trip.</item>
/// <item>Its asynchronous methods complete synchronously: each database call holds the calling thread for its
/// duration and a cancellation token is only looked at before a call starts (commands are bounded by the
/// connection string's <c>Default Command Timeout</c>, 30 s unless set).</item>
/// </list>
/// </remarks>
internal sealed class MySqlStorageProvider : StorageProvider
{
    private const int DuplicateEntry = 1062;
    private const int DuplicateEntryWithKeyName = 1586;

    // How long a process waits for another one's migration before giving up.
    private const int MigrationLockTimeoutSeconds = 600;

    // One statement, one round trip: results in utf8mb4 (see the remarks), strings compared byte for byte unless a
    // column says otherwise, and a strict mode whatever the server's default, so that a value too long for its
    // column fails instead of being cut.
    private const string SessionSetup =
        "SET NAMES utf8mb4 COLLATE utf8mb4_bin, SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'";

    // GET_LOCK names are server-wide and at most 64 characters on MySQL: one lock per database, named by its hash.
    private const string MigrationLockName = "CONCAT('accounts.schema.', SHA1(DATABASE()))";

    private static readonly IReadOnlyList<MigrationScript> Scripts =
        MigrationScript.LoadEmbedded(typeof(MySqlStorageProvider).Assembly, "Accounts.Storage.MySql.Migrations.");

    private readonly string _connectionString;
    private readonly string _password;

    public MySqlStorageProvider(string connectionString)
    {
        var builder = ParseConnectionString(connectionString);
        _connectionString = builder.ConnectionString;
        _password = builder.Password ?? "";
    }

    public override string Name => "mysql";

    protected override IReadOnlyList<MigrationScript> Migrations => Scripts;

    protected override string TableExistsSql =>
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = @table";

    protected override bool TransactionalDdl => false;

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new MySqlCommand(SessionSetup, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override async ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // MySql.Data begins at REPEATABLE READ unless told otherwise. There, the gap locks that IssueAsync's
        // DELETE + INSERT take can deadlock two issues for one destination; READ COMMITTED takes none.
        return await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
    }

    protected override string? FindViolatedKey(DbException exception, string table)
    {
        if (exception is not MySqlException { Number: DuplicateEntry or DuplicateEntryWithKeyName } duplicate)
        {
            return null;
        }

        return DuplicateKeyMessage.FindKey(duplicate.Message) switch
        {
            null => $"ux_{table}",
            "PRIMARY" => PrimaryKeyName(table),
            var key => key,
        };
    }

    protected override async ValueTask<IAsyncDisposable?> AcquireMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var mysql = (MySqlConnection)connection;
        object? acquired;
        await using (var command = new MySqlCommand($"SELECT GET_LOCK({MigrationLockName}, {MigrationLockTimeoutSeconds})", mysql))
        {
            // GET_LOCK bounds the wait itself; the driver would not stop it for the token, so KILL QUERY does.
            command.CommandTimeout = 0;
            await using var registration = cancellationToken.Register(command.Cancel);
            try
            {
                acquired = await command.ExecuteScalarAsync(cancellationToken);
            }
            catch (MySqlException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }

        // Once held, the lock is returned even if the token fired meanwhile: the migrator releases it in its finally.
        switch (acquired is null or DBNull ? (long?)null : Convert.ToInt64(acquired, CultureInfo.InvariantCulture))
        {
            case 1:
                return new MigrationLock(mysql);
            case 0:
                throw new TimeoutException(
                    $"Another process has held the schema migration lock of database '{mysql.Database}' for {MigrationLockTimeoutSeconds} s.");
            default:
                cancellationToken.ThrowIfCancellationRequested();
                throw new InvalidOperationException($"GET_LOCK failed for the schema migration lock of database '{mysql.Database}'.");
        }
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
            // Idle pooled connections keep a session (and the database) busy: let them go with the provider.
            using var connection = new MySqlConnection(_connectionString);
            MySqlConnection.ClearPool(connection);
        }

        base.Dispose(disposing);
    }

    // The engine's own tests look at connections and transactions as the stores get them.
    internal ValueTask<DbConnection> OpenForTestsAsync(CancellationToken cancellationToken) => OpenConnectionAsync(cancellationToken);

    internal ValueTask<DbTransaction> BeginWriteForTestsAsync(DbConnection connection, CancellationToken cancellationToken) =>
        BeginWriteTransactionAsync(connection, cancellationToken);

    /// <summary>The connection string as the provider uses it; throws <see cref="ArgumentException"/> for one it cannot use.</summary>
    internal static MySqlConnectionStringBuilder ParseConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        MySqlConnectionStringBuilder builder;
        try
        {
            builder = new MySqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException exception)
        {
            // The driver names the keyword it does not know; the string itself (and its password) stays out.
            throw new ArgumentException($"The MySQL connection string is not valid: {exception.Message}", nameof(connectionString));
        }

        if (string.IsNullOrWhiteSpace(builder.Server))
        {
            throw new ArgumentException("The MySQL connection string names no Server.", nameof(connectionString));
        }

        if (string.IsNullOrWhiteSpace(builder.Database))
        {
            throw new ArgumentException("The MySQL connection string names no Database.", nameof(connectionString));
        }

        builder.CharacterSet = "utf8mb4";
        builder.ConnectionReset = false;

        // Matched rows, as the other engines count them, rather than changed rows.
        builder.UseAffectedRows = false;
        return builder;
    }

    private sealed class MigrationLock(MySqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new MySqlCommand($"DO RELEASE_LOCK({MigrationLockName})", connection);
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (MySqlException)
            {
                // The lock belongs to the session: make sure this one is not handed out again by the pool.
                MySqlConnection.ClearPool(connection);
            }
        }
    }
}
