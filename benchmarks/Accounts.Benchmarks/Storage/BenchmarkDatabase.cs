using System.Data.Common;
using System.Globalization;
using System.Net;
using Accounts.Benchmarks.Common;
using Accounts.Storage;
using Accounts.Storage.MySql;
using Accounts.Storage.Postgres;
using Accounts.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using MySql.Data.MySqlClient;
using Npgsql;

namespace Accounts.Benchmarks.Storage;

/// <summary>
/// One engine's database made for one run: a SQLite file in a new temporary directory, or a new database on the
/// MariaDB or PostgreSQL server named by <c>ACCOUNTS_TEST_MARIADB</c> / <c>ACCOUNTS_TEST_POSTGRES</c> (the admin
/// connection strings that scripts/test-servers/*.sh export). Disposing it drops the database or deletes the file.
/// </summary>
internal sealed class BenchmarkDatabase : IAsyncDisposable
{
    public const string MariaDbVariable = "ACCOUNTS_TEST_MARIADB";
    public const string PostgresVariable = "ACCOUNTS_TEST_POSTGRES";

    private readonly Func<ValueTask> _drop;
    private bool _dropped;

    private BenchmarkDatabase(string engine, AccountStorage storage, string location, Func<ValueTask> drop, string? connectionString = null)
    {
        Engine = engine;
        Storage = storage;
        Location = location;
        _drop = drop;
        ConnectionString = connectionString;
    }

    public string Engine { get; }

    public AccountStorage Storage { get; }

    /// <summary>The file, or the database and server, without a password.</summary>
    public string Location { get; }

    /// <summary>The server engines' connection string to this database (with the password), for a server process to use; null for SQLite.</summary>
    public string? ConnectionString { get; }

    public string Version { get; private set; } = "unknown";

    /// <summary>The settings that decide what a commit costs (fsync or not), as the engine reports them.</summary>
    public IReadOnlyDictionary<string, string> Durability { get; private set; } = new Dictionary<string, string>();

    /// <summary>The server's process (PostgreSQL: the postmaster, whose children are the backends); null for SQLite or when unknown.</summary>
    public int? ServerPid { get; private set; }

    /// <summary>Why an engine cannot be measured here (its variable is not set); null when it can.</summary>
    public static string? SkipReason(string engine) => engine switch
    {
        "mariadb" when string.IsNullOrEmpty(Environment.GetEnvironmentVariable(MariaDbVariable)) =>
            $"{MariaDbVariable} is not set (source scripts/test-servers/mariadb.sh and run start_mariadb)",
        "postgres" when string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PostgresVariable)) =>
            $"{PostgresVariable} is not set (source scripts/test-servers/postgres.sh and run start_postgres)",
        _ => null,
    };

    /// <summary>Creates the database, migrates it, and reads its version and durability settings.</summary>
    public static async Task<BenchmarkDatabase> CreateAsync(string engine, CancellationToken cancellationToken)
    {
        var database = engine switch
        {
            "sqlite" => CreateSqlite(),
            "mariadb" => await CreateMariaDbAsync(Environment.GetEnvironmentVariable(MariaDbVariable)!, cancellationToken),
            "postgres" => await CreatePostgresAsync(Environment.GetEnvironmentVariable(PostgresVariable)!, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, "Unknown engine."),
        };
        try
        {
            await database.Storage.Migrator.MigrateAsync(cancellationToken);
            await database.DescribeAsync(cancellationToken);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dropped)
        {
            return;
        }

        _dropped = true;
        await Storage.DisposeAsync();
        await _drop();
    }

    private static BenchmarkDatabase CreateSqlite()
    {
        var directory = Directory.CreateTempSubdirectory("accounts-storage-bench-").FullName;
        var path = Path.Combine(directory, "accounts.db");
        return new BenchmarkDatabase("sqlite", SqliteStorage.Create(path, TimeProvider.System), path, () =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"Could not remove {directory}: {e.Message}");
            }

            return ValueTask.CompletedTask;
        });
    }

    private static async Task<BenchmarkDatabase> CreateMariaDbAsync(string admin, CancellationToken cancellationToken)
    {
        var name = NewName();
        var adminBuilder = new MySqlConnectionStringBuilder(admin);

        // As the engine's tests do: a case-insensitive default collation, so that the scripts' own collations apply.
        await ExecuteMariaDbAsync(admin, $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", cancellationToken);
        var connectionString = new MySqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new BenchmarkDatabase(
            "mariadb",
            MySqlStorage.Create(connectionString, TimeProvider.System),
            $"database {name} on {adminBuilder.Server}:{adminBuilder.Port}",
            async () => await ExecuteMariaDbAsync(admin, $"DROP DATABASE IF EXISTS `{name}`", CancellationToken.None),
            connectionString);
    }

    private static async Task<BenchmarkDatabase> CreatePostgresAsync(string admin, CancellationToken cancellationToken)
    {
        var name = NewName();
        var adminBuilder = new NpgsqlConnectionStringBuilder(admin);

        // As the engine's tests do: from template0, copied file by file on PostgreSQL 15+.
        await ExecutePostgresAsync(
            admin,
            version => $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'{(version.Major >= 15 ? " STRATEGY FILE_COPY" : "")}",
            cancellationToken);
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new BenchmarkDatabase(
            "postgres",
            PostgresStorage.Create(connectionString, TimeProvider.System),
            $"database {name} on {adminBuilder.Host}:{adminBuilder.Port}",
            async () => await ExecutePostgresAsync(admin, _ => $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None),
            connectionString);
    }

    internal static string NewName() => $"accounts_bench_{Guid.NewGuid():N}";

    private async Task DescribeAsync(CancellationToken cancellationToken)
    {
        switch (Engine)
        {
            case "sqlite":
            {
                // The provider sets foreign_keys, busy_timeout and WAL but not synchronous: a new connection shows
                // the build's default, which is what the provider's connections run with.
                await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Location, Pooling = false }.ToString());
                await connection.OpenAsync(cancellationToken);
                var values = await ReadRowAsync(connection, "SELECT sqlite_version(), (SELECT journal_mode FROM pragma_journal_mode), (SELECT synchronous FROM pragma_synchronous)", cancellationToken);
                Version = $"SQLite {values[0]}";
                Durability = new Dictionary<string, string>
                {
                    ["journal_mode"] = values[1],
                    ["synchronous"] = values[2] switch { "0" => "0 (OFF)", "1" => "1 (NORMAL)", "2" => "2 (FULL)", "3" => "3 (EXTRA)", var v => v },
                    ["fsync"] = FsyncProbe.Describe(FsyncProbe.Measure(Path.GetDirectoryName(Location)!)),
                };
                break;
            }

            case "mariadb":
            {
                var builder = new MySqlConnectionStringBuilder(Environment.GetEnvironmentVariable(MariaDbVariable)!) { Pooling = false, CharacterSet = "utf8mb4" };
                await using var connection = new MySqlConnection(builder.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                await ExecuteAsync(connection, "SET NAMES utf8mb4", cancellationToken);
                var values = await ReadRowAsync(
                    connection,
                    "SELECT VERSION(), @@innodb_flush_log_at_trx_commit, @@sync_binlog, @@log_bin, @@innodb_doublewrite, @@pid_file",
                    cancellationToken);
                Version = $"MariaDB {values[0]}";
                Durability = new Dictionary<string, string>
                {
                    ["innodb_flush_log_at_trx_commit"] = values[1],
                    ["sync_binlog"] = values[2],
                    ["log_bin"] = values[3],
                    ["innodb_doublewrite"] = values[4],
                };
                ServerPid = IsLocal(builder.Server) ? PidFromFile(values[5]) : null;
                break;
            }

            case "postgres":
            {
                var builder = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(PostgresVariable)!) { Pooling = false };
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                var values = await ReadRowAsync(
                    connection,
                    "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes'), current_setting('wal_level'), pg_backend_pid()",
                    cancellationToken);
                Version = $"PostgreSQL {values[0]}";
                Durability = new Dictionary<string, string>
                {
                    ["fsync"] = values[1],
                    ["synchronous_commit"] = values[2],
                    ["full_page_writes"] = values[3],
                    ["wal_level"] = values[4],
                };

                // Each connection has a backend process whose parent is the postmaster: the server is that tree.
                ServerPid = IsLocal(builder.Host) && int.TryParse(values[5], CultureInfo.InvariantCulture, out var backend)
                    ? ProcessCpu.ParentOf(backend)
                    : null;
                break;
            }
        }
    }

    private static bool IsLocal(string? host) =>
        host is "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private static int? PidFromFile(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out var pid) && ProcessCpu.Exists(pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task<string[]> ReadRowAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"No row from: {sql}");
        }

        return [.. Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? "")];
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One statement on a connection of its own, through the admin connection string (CREATE or DROP DATABASE).</summary>
    internal static async Task ExecuteMariaDbAsync(string admin, string sql, CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder(admin) { Pooling = false, CharacterSet = "utf8mb4" };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        // MySql.Data 8.0.16 cannot read MariaDB's utf8mb3 metadata, which a warning (DROP ... IF EXISTS) brings.
        await ExecuteAsync(connection, "SET NAMES utf8mb4", cancellationToken);
        await ExecuteAsync(connection, sql, cancellationToken);
    }

    private static async Task ExecutePostgresAsync(string admin, Func<Version, string> sql, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(admin) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, sql(connection.PostgreSqlVersion), cancellationToken);
    }
}
