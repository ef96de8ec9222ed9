using System.Data.Common;
using Accounts.Core.Sessions;
using Dapper;

namespace Accounts.Storage.Sessions;

internal sealed class SqlLockoutStore(StorageProvider provider) : ILockoutStore
{
    private const string Table = "sign_in_lockouts";
    private const int MaxTries = 3;

    private const string Select = "SELECT failures AS Failures, locked_until AS LockedUntil FROM sign_in_lockouts WHERE user_id = @userId";

    // locked_until is assigned before failures on purpose: MySQL evaluates a single-table UPDATE's assignments left
    // to right with the values already assigned, the other engines with the old ones; in this order both read the
    // old failures count.
    private const string CountFailure = """
        UPDATE sign_in_lockouts
        SET locked_until = CASE WHEN failures + 1 >= @threshold THEN @lockedUntil ELSE locked_until END,
            failures = CASE WHEN failures + 1 >= @threshold THEN 0 ELSE failures + 1 END
        WHERE user_id = @userId
        """;

    public async Task<LockoutState> GetAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<LockoutRow>(Sql.Command(Select, new { userId }, cancellationToken));
        return row?.ToState() ?? LockoutState.None;
    }

    public async Task<LockoutState> RecordFailureAsync(string userId, int threshold, TimeSpan lockDuration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        var parameters = new { userId, threshold, lockedUntil = Sql.ToUnixMs(now + lockDuration) };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CountFailureAsync(parameters.userId, parameters, cancellationToken);
            }
            catch (DbException exception) when (attempt < MaxTries && provider.FindViolatedKey(exception, Table) is not null)
            {
                // Another process inserted this user's first failure between our UPDATE and INSERT: count again.
            }
        }
    }

    public async Task ResetAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(Sql.Command("DELETE FROM sign_in_lockouts WHERE user_id = @userId", new { userId }, cancellationToken));
    }

    private async Task<LockoutState> CountFailureAsync(string userId, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        await using var transaction = await provider.BeginWriteTransactionAsync(connection, cancellationToken);
        var affected = await connection.ExecuteAsync(Sql.Command(CountFailure, parameters, cancellationToken, transaction));
        if (affected == 0)
        {
            if (await connection.QuerySingleOrDefaultAsync<LockoutRow>(Sql.Command(Select, new { userId }, cancellationToken, transaction)) is null)
            {
                await connection.ExecuteAsync(Sql.Command(
                    """
                    INSERT INTO sign_in_lockouts (user_id, failures, locked_until)
                    VALUES (@userId, CASE WHEN 1 >= @threshold THEN 0 ELSE 1 END, CASE WHEN 1 >= @threshold THEN @lockedUntil ELSE NULL END)
                    """,
                    parameters,
                    cancellationToken,
                    transaction));
            }
            else
            {
                // No row matched, yet there is one now: another process committed this user's first failure after
                // the UPDATE looked (at READ COMMITTED each statement sees what is committed when it starts), or an
                // engine that counts changed rather than matched rows saw an update that changed nothing (threshold
                // 1, same instant). Counting again is right in both cases: the first did not count, and the second
                // changes nothing again.
                await connection.ExecuteAsync(Sql.Command(CountFailure, parameters, cancellationToken, transaction));
            }
        }

        // Read back inside the transaction, which holds the row: no other failure can slip in between.
        var row = await connection.QuerySingleAsync<LockoutRow>(Sql.Command(Select, new { userId }, cancellationToken, transaction));
        await transaction.CommitAsync(cancellationToken);
        return row.ToState();
    }

    private sealed class LockoutRow
    {
        public int Failures { get; init; }
        public long? LockedUntil { get; init; }

        public LockoutState ToState() => new(Failures, Sql.FromUnixMs(LockedUntil));
    }
}
