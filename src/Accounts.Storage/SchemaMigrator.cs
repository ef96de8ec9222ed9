using System.Data.Common;
using Dapper;

namespace Accounts.Storage;

/// <summary>
/// Applies the provider's versioned scripts and reports whether a database is current. History is kept in
/// <c>schema_migrations(version, name, applied_at)</c>; migrating is idempotent and safe when several processes
/// start at once.
/// </summary>
public sealed class SchemaMigrator
{
    private const string HistoryTable = "schema_migrations";

    // Portable to every supported engine; created by the runner because it must exist before script 1 is judged.
    private const string CreateHistory = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER NOT NULL,
            name VARCHAR(200) NOT NULL,
            applied_at BIGINT NOT NULL,
            CONSTRAINT pk_schema_migrations PRIMARY KEY (version)
        )
        """;

    private const string RecordSql = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)";

    private readonly StorageProvider _provider;
    private readonly TimeProvider _time;

    public SchemaMigrator(StorageProvider provider, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(time);
        _provider = provider;
        _time = time;
    }

    /// <summary>The highest schema version this build knows.</summary>
    public int ExpectedVersion => _provider.Migrations[^1].Version;

    /// <summary>Applies every script the database lacks, in order; returns those this call applied (none when current).</summary>
    public async Task<IReadOnlyList<MigrationScript>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _provider.OpenConnectionAsync(cancellationToken);
        var migrationLock = await _provider.AcquireMigrationLockAsync(connection, cancellationToken);
        try
        {
            await EnsureHistoryTableAsync(connection, cancellationToken);
            var done = await ReadAppliedAsync(connection, null, cancellationToken);
            var applied = new List<MigrationScript>();
            foreach (var script in _provider.Migrations)
            {
                if (!done.Contains(script.Version) && await ApplyAsync(connection, script, cancellationToken))
                {
                    applied.Add(script);
                }
            }

            return applied;
        }
        finally
        {
            if (migrationLock is not null)
            {
                await migrationLock.DisposeAsync();
            }
        }
    }

    /// <summary>Whether the database can be reached and is at <see cref="ExpectedVersion"/>; never throws for a database fault.</summary>
    public async Task<SchemaStatus> CheckAsync(CancellationToken cancellationToken)
    {
        var expected = _provider.Migrations.Select(m => m.Version).ToList();
        DbConnection? connection = null;
        try
        {
            connection = await _provider.OpenConnectionAsync(cancellationToken);
            var applied = await HistoryTableExistsAsync(connection, cancellationToken)
                ? await ReadAppliedAsync(connection, null, cancellationToken)
                : [];
            var pending = expected.Where(v => !applied.Contains(v)).ToList();
            return new SchemaStatus(_provider.Name, true, applied.Count == 0 ? 0 : applied.Max(), ExpectedVersion, pending, null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new SchemaStatus(_provider.Name, connection is not null, null, ExpectedVersion, expected, _provider.DescribeFailure(exception));
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<bool> ApplyAsync(DbConnection connection, MigrationScript script, CancellationToken cancellationToken)
    {
        var record = new { script.Version, script.Name, AppliedAt = Sql.ToUnixMs(_time.GetUtcNow()) };
        if (!_provider.TransactionalDdl)
        {
            // The migration lock keeps other processes out; the row is written only once the script has succeeded.
            await _provider.ExecuteScriptAsync(connection, null, script.Sql, cancellationToken);
            await connection.ExecuteAsync(Sql.Command(RecordSql, record, cancellationToken));
            return true;
        }

        await using var transaction = await _provider.BeginWriteTransactionAsync(connection, cancellationToken);
        try
        {
            // The version row goes in first: a second process migrating at the same moment blocks on it and then
            // fails on the primary key, instead of running the script twice.
            if (await ReadAppliedAsync(connection, transaction, cancellationToken) is var done && done.Contains(script.Version))
            {
                return false;
            }

            await connection.ExecuteAsync(Sql.Command(RecordSql, record, cancellationToken, transaction));
        }
        catch (DbException exception) when (_provider.FindViolatedKey(exception, HistoryTable) is not null)
        {
            return false;
        }

        await _provider.ExecuteScriptAsync(connection, transaction, script.Sql, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private async Task EnsureHistoryTableAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await connection.ExecuteAsync(Sql.Command(CreateHistory, null, cancellationToken));
        }
        catch (DbException)
        {
            // Two processes raced to create it (PostgreSQL may then report a duplicate type): fine if it exists now.
            if (!await HistoryTableExistsAsync(connection, cancellationToken))
            {
                throw;
            }
        }
    }

    private async Task<bool> HistoryTableExistsAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(Sql.Command(_provider.TableExistsSql, new { table = HistoryTable }, cancellationToken)) > 0;

    private static async Task<HashSet<int>> ReadAppliedAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<int>(Sql.Command("SELECT version FROM schema_migrations", null, cancellationToken, transaction))];
}
