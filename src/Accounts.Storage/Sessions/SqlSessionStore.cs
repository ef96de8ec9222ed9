using System.Data.Common;
using Accounts.Core.Sessions;
using Dapper;

namespace Accounts.Storage.Sessions;

internal sealed class SqlSessionStore(StorageProvider provider) : ISessionStore
{
    private const string InsertToken = """
        INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at, spent_at)
        VALUES (@TokenHash, @SessionId, @CreatedAt, @ExpiresAt, @SpentAt)
        """;

    public async Task CreateAsync(Session session, RefreshToken firstToken, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        await using var transaction = await provider.BeginWriteTransactionAsync(connection, cancellationToken);
        await connection.ExecuteAsync(Sql.Command(
            """
            INSERT INTO sessions (id, user_id, created_at, expires_at, revoked_at)
            VALUES (@Id, @UserId, @CreatedAt, @ExpiresAt, @RevokedAt)
            """,
            new
            {
                session.Id,
                session.UserId,
                CreatedAt = Sql.ToUnixMs(session.CreatedAt),
                ExpiresAt = Sql.ToUnixMs(session.ExpiresAt),
                RevokedAt = Sql.ToUnixMs(session.RevokedAt),
            },
            cancellationToken,
            transaction));
        await InsertTokenAsync(connection, transaction, firstToken, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<Session?> FindSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SessionRow>(Sql.Command(
            """
            SELECT id AS Id, user_id AS UserId, created_at AS CreatedAt, expires_at AS ExpiresAt, revoked_at AS RevokedAt
            FROM sessions WHERE id = @sessionId
            """,
            new { sessionId },
            cancellationToken));
        return row is null
            ? null
            : new Session(row.Id, row.UserId, Sql.FromUnixMs(row.CreatedAt), Sql.FromUnixMs(row.ExpiresAt), Sql.FromUnixMs(row.RevokedAt));
    }

    public async Task<RefreshToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(Sql.Command(
            """
            SELECT token_hash AS TokenHash, session_id AS SessionId, created_at AS CreatedAt, expires_at AS ExpiresAt, spent_at AS SpentAt
            FROM refresh_tokens WHERE token_hash = @tokenHash
            """,
            new { tokenHash },
            cancellationToken));
        return row is null
            ? null
            : new RefreshToken(row.TokenHash, row.SessionId, Sql.FromUnixMs(row.CreatedAt), Sql.FromUnixMs(row.ExpiresAt), Sql.FromUnixMs(row.SpentAt));
    }

    public async Task<bool> TryRotateAsync(string tokenHash, RefreshToken replacement, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        await using var transaction = await provider.BeginWriteTransactionAsync(connection, cancellationToken);
        var spent = await connection.ExecuteAsync(Sql.Command(
            "UPDATE refresh_tokens SET spent_at = @now WHERE token_hash = @tokenHash AND spent_at IS NULL",
            new { tokenHash, now = Sql.ToUnixMs(now) },
            cancellationToken,
            transaction));
        if (spent != 1)
        {
            return false;
        }

        await InsertTokenAsync(connection, transaction, replacement, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task RevokeAsync(string sessionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(Sql.Command(
            "UPDATE sessions SET revoked_at = @now WHERE id = @sessionId AND revoked_at IS NULL",
            new { sessionId, now = Sql.ToUnixMs(now) },
            cancellationToken));
    }

    public async Task RevokeAllAsync(string userId, string? exceptSessionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Two statements rather than "@except IS NULL OR ...": a typeless null parameter is refused by some engines.
        var sql = exceptSessionId is null
            ? "UPDATE sessions SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL"
            : "UPDATE sessions SET revoked_at = @now WHERE user_id = @userId AND revoked_at IS NULL AND id <> @exceptSessionId";
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(Sql.Command(sql, new { userId, exceptSessionId, now = Sql.ToUnixMs(now) }, cancellationToken));
    }

    private static Task InsertTokenAsync(DbConnection connection, DbTransaction transaction, RefreshToken token, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(Sql.Command(
            InsertToken,
            new
            {
                token.TokenHash,
                token.SessionId,
                CreatedAt = Sql.ToUnixMs(token.CreatedAt),
                ExpiresAt = Sql.ToUnixMs(token.ExpiresAt),
                SpentAt = Sql.ToUnixMs(token.SpentAt),
            },
            cancellationToken,
            transaction));

    private sealed class SessionRow
    {
        public string Id { get; init; } = "";
        public string UserId { get; init; } = "";
        public long CreatedAt { get; init; }
        public long ExpiresAt { get; init; }
        public long? RevokedAt { get; init; }
    }

    private sealed class TokenRow
    {
        public string TokenHash { get; init; } = "";
        public string SessionId { get; init; } = "";
        public long CreatedAt { get; init; }
        public long ExpiresAt { get; init; }
        public long? SpentAt { get; init; }
    }
}
