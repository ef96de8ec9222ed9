using Accounts.Core.Audit;
using Dapper;

namespace Accounts.Storage.Audit;

internal sealed class SqlAuditLog(StorageProvider provider) : IAuditLog
{
    private const string Columns =
        "occurred_at AS OccurredAt, event_type AS EventType, user_id AS UserId, client_address AS ClientAddress, detail AS Detail";

    public async Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(Sql.Command(
            """
            INSERT INTO audit_events (occurred_at, event_type, user_id, client_address, detail)
            VALUES (@OccurredAt, @EventType, @UserId, @ClientAddress, @Detail)
            """,
            new
            {
                OccurredAt = Sql.ToUnixMs(auditEvent.At),
                EventType = auditEvent.Type,
                auditEvent.UserId,
                auditEvent.ClientAddress,
                auditEvent.Detail,
            },
            cancellationToken));
    }

    public async Task<IReadOnlyList<AuditEvent>> ListAsync(string? userId, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return [];
        }

        // Newest by the event's own time; the identity breaks ties between events of the same millisecond.
        var sql = userId is null
            ? $"SELECT {Columns} FROM audit_events ORDER BY occurred_at DESC, id DESC LIMIT @limit"
            : $"SELECT {Columns} FROM audit_events WHERE user_id = @userId ORDER BY occurred_at DESC, id DESC LIMIT @limit";
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(Sql.Command(sql, new { userId, limit }, cancellationToken));
        return [.. rows.Select(row => new AuditEvent(Sql.FromUnixMs(row.OccurredAt), row.EventType, row.UserId, row.ClientAddress, row.Detail))];
    }

    private sealed class AuditRow
    {
        public long OccurredAt { get; init; }
        public string EventType { get; init; } = "";
        public string? UserId { get; init; }
        public string? ClientAddress { get; init; }
        public string? Detail { get; init; }
    }
}
