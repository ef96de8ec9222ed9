namespace Accounts.Core.Audit;

public interface IAuditLog
{
    Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken);

    /// <summary>The newest events first; of one user when <paramref name="userId"/> is given.</summary>
    Task<IReadOnlyList<AuditEvent>> ListAsync(string? userId, int limit, CancellationToken cancellationToken);
}
