using System.Data.Common;
using Accounts.Core.Users;
using Dapper;

namespace Accounts.Storage.Users;

internal sealed class SqlUserStore(StorageProvider provider) : IUserStore
{
    private const string Table = "users";

    private const string Select = """
        SELECT id AS Id, username AS Username, normalized_username AS NormalizedUsername, display_name AS DisplayName,
               email_cipher AS EmailCipher, email_index AS EmailIndex, phone_cipher AS PhoneCipher, phone_index AS PhoneIndex,
               image AS Image, password_hash AS PasswordHash, created_at AS CreatedAt, updated_at AS UpdatedAt
        FROM users
        """;

    private const string Insert = """
        INSERT INTO users (id, username, normalized_username, display_name, email_cipher, email_index, phone_cipher, phone_index,
                           image, password_hash, created_at, updated_at)
        VALUES (@Id, @Username, @NormalizedUsername, @DisplayName, @EmailCipher, @EmailIndex, @PhoneCipher, @PhoneIndex,
                @Image, @PasswordHash, @CreatedAt, @UpdatedAt)
        """;

    private const string Update = """
        UPDATE users
        SET username = @Username, normalized_username = @NormalizedUsername, display_name = @DisplayName,
            email_cipher = @EmailCipher, email_index = @EmailIndex, phone_cipher = @PhoneCipher, phone_index = @PhoneIndex,
            image = @Image, password_hash = @PasswordHash, created_at = @CreatedAt, updated_at = @UpdatedAt
        WHERE id = @Id AND updated_at = @ExpectedUpdatedAt
        """;

    public Task<UserRecord?> FindByIdAsync(string id, CancellationToken cancellationToken) =>
        FindAsync($"{Select} WHERE id = @value", id, cancellationToken);

    public Task<UserRecord?> FindByUsernameAsync(string normalizedUsername, CancellationToken cancellationToken) =>
        FindAsync($"{Select} WHERE normalized_username = @value", normalizedUsername, cancellationToken);

    public Task<UserRecord?> FindByEmailIndexAsync(string emailIndex, CancellationToken cancellationToken) =>
        FindAsync($"{Select} WHERE email_index = @value", emailIndex, cancellationToken);

    public Task<UserRecord?> FindByPhoneIndexAsync(string phoneIndex, CancellationToken cancellationToken) =>
        FindAsync($"{Select} WHERE phone_index = @value", phoneIndex, cancellationToken);

    public async Task<UserWriteResult> CreateAsync(UserRecord user, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await provider.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(Sql.Command(Insert, UserRow.From(user), cancellationToken));
            return UserWriteResult.Success;
        }
        catch (DbException exception) when (Classify(exception) is { } result)
        {
            return result;
        }
    }

    public async Task<UserWriteResult> UpdateAsync(UserRecord user, DateTimeOffset expectedUpdatedAt, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await provider.OpenConnectionAsync(cancellationToken);
            await using var transaction = await provider.BeginWriteTransactionAsync(connection, cancellationToken);
            var row = UserRow.From(user);
            row.ExpectedUpdatedAt = Sql.ToUnixMs(expectedUpdatedAt);
            var affected = await connection.ExecuteAsync(Sql.Command(Update, row, cancellationToken, transaction));

            // Zero rows: no such user, another write came first, or (MySQL counts changed rows, not matched ones)
            // the same values were written again. The stored version tells which.
            if (affected == 0)
            {
                var stored = await connection.ExecuteScalarAsync<long?>(
                    Sql.Command("SELECT updated_at FROM users WHERE id = @Id", new { user.Id }, cancellationToken, transaction));
                if (stored is null)
                {
                    return UserWriteResult.NotFound;
                }

                if (stored != row.ExpectedUpdatedAt)
                {
                    return UserWriteResult.Stale;
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return UserWriteResult.Success;
        }
        catch (DbException exception) when (Classify(exception) is { } result)
        {
            return result;
        }
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        // Explicit deletes rather than trusting ON DELETE CASCADE alone: the lockout row has no foreign key (a
        // failure may be counted for any id), and every engine then behaves alike whatever its settings.
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        await using var transaction = await provider.BeginWriteTransactionAsync(connection, cancellationToken);
        var parameters = new { id };
        await connection.ExecuteAsync(Sql.Command(
            "DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions WHERE user_id = @id)", parameters, cancellationToken, transaction));
        await connection.ExecuteAsync(Sql.Command("DELETE FROM sessions WHERE user_id = @id", parameters, cancellationToken, transaction));
        await connection.ExecuteAsync(Sql.Command("DELETE FROM sign_in_lockouts WHERE user_id = @id", parameters, cancellationToken, transaction));
        var deleted = await connection.ExecuteAsync(Sql.Command("DELETE FROM users WHERE id = @id", parameters, cancellationToken, transaction));
        await transaction.CommitAsync(cancellationToken);
        return deleted > 0;
    }

    private async Task<UserRecord?> FindAsync(string sql, string value, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(Sql.Command(sql, new { value }, cancellationToken));
        return row?.ToRecord();
    }

    private UserWriteResult? Classify(DbException exception) => provider.FindViolatedKey(exception, Table) switch
    {
        "pk_users" => UserWriteResult.DuplicateId,
        "ux_users_normalized_username" => UserWriteResult.DuplicateUsername,
        "ux_users_email_index" => UserWriteResult.DuplicateEmail,
        "ux_users_phone_index" => UserWriteResult.DuplicatePhone,
        _ => null,
    };

    private sealed class UserRow
    {
        public string Id { get; init; } = "";
        public string Username { get; init; } = "";
        public string NormalizedUsername { get; init; } = "";
        public string? DisplayName { get; init; }
        public string? EmailCipher { get; init; }
        public string? EmailIndex { get; init; }
        public string? PhoneCipher { get; init; }
        public string? PhoneIndex { get; init; }
        public byte[]? Image { get; init; }
        public string PasswordHash { get; init; } = "";
        public long CreatedAt { get; init; }
        public long UpdatedAt { get; init; }

        /// <summary>Only for updates: the version the writer read.</summary>
        public long ExpectedUpdatedAt { get; set; }

        public static UserRow From(UserRecord user) => new()
        {
            Id = user.Id,
            Username = user.Username,
            NormalizedUsername = user.NormalizedUsername,
            DisplayName = user.DisplayName,
            EmailCipher = user.EmailCipher,
            EmailIndex = user.EmailIndex,
            PhoneCipher = user.PhoneCipher,
            PhoneIndex = user.PhoneIndex,
            Image = user.Image,
            PasswordHash = user.PasswordHash,
            CreatedAt = Sql.ToUnixMs(user.CreatedAt),
            UpdatedAt = Sql.ToUnixMs(user.UpdatedAt),
        };

        public UserRecord ToRecord() => new()
        {
            Id = Id,
            Username = Username,
            NormalizedUsername = NormalizedUsername,
            DisplayName = DisplayName,
            EmailCipher = EmailCipher,
            EmailIndex = EmailIndex,
            PhoneCipher = PhoneCipher,
            PhoneIndex = PhoneIndex,
            Image = Image,
            PasswordHash = PasswordHash,
            CreatedAt = Sql.FromUnixMs(CreatedAt),
            UpdatedAt = Sql.FromUnixMs(UpdatedAt),
        };
    }
}
