using Accounts.Core.Verification;
using Dapper;

namespace Accounts.Storage.Verification;

internal sealed class SqlVerificationCodeStore(StorageProvider provider) : IVerificationCodeStore
{
    public async Task IssueAsync(VerificationCode code, CancellationToken cancellationToken)
    {
        // Earlier codes of this purpose and destination are deleted rather than flagged: unconsumed ones are retired
        // by the new code, consumed ones are dead already, and the table stays one live row per destination.
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        await using var transaction = await provider.BeginWriteTransactionAsync(connection, cancellationToken);
        await connection.ExecuteAsync(Sql.Command(
            "DELETE FROM verification_codes WHERE purpose = @Purpose AND destination_index = @DestinationIndex",
            new { Purpose = code.Purpose.ToWire(), code.DestinationIndex },
            cancellationToken,
            transaction));
        await connection.ExecuteAsync(Sql.Command(
            """
            INSERT INTO verification_codes (id, purpose, channel, destination_index, code_hash, attempts, created_at, expires_at, consumed_at, payload)
            VALUES (@Id, @Purpose, @Channel, @DestinationIndex, @CodeHash, @Attempts, @CreatedAt, @ExpiresAt, @ConsumedAt, @Payload)
            """,
            new
            {
                code.Id,
                Purpose = code.Purpose.ToWire(),
                Channel = code.Channel.ToWire(),
                code.DestinationIndex,
                code.CodeHash,
                code.Attempts,
                CreatedAt = Sql.ToUnixMs(code.CreatedAt),
                ExpiresAt = Sql.ToUnixMs(code.ExpiresAt),
                ConsumedAt = Sql.ToUnixMs(code.ConsumedAt),
                code.Payload,
            },
            cancellationToken,
            transaction));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<VerificationCode?> FindLiveAsync(CodePurpose purpose, string destinationIndex, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CodeRow>(Sql.Command(
            """
            SELECT id AS Id, purpose AS Purpose, channel AS Channel, destination_index AS DestinationIndex, code_hash AS CodeHash,
                   attempts AS Attempts, created_at AS CreatedAt, expires_at AS ExpiresAt, consumed_at AS ConsumedAt,
                   payload AS Payload
            FROM verification_codes
            WHERE purpose = @purpose AND destination_index = @destinationIndex AND consumed_at IS NULL AND expires_at > @now
            ORDER BY created_at DESC, id DESC
            LIMIT 1
            """,
            new { purpose = purpose.ToWire(), destinationIndex, now = Sql.ToUnixMs(now) },
            cancellationToken));
        return row?.ToCode();
    }

    public async Task<bool> TryBeginAttemptAsync(string codeId, int maxAttempts, CancellationToken cancellationToken)
    {
        // One conditional UPDATE: the database serializes concurrent guesses on the row, so at most maxAttempts win.
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        var affected = await connection.ExecuteAsync(Sql.Command(
            "UPDATE verification_codes SET attempts = attempts + 1 WHERE id = @codeId AND attempts < @maxAttempts AND consumed_at IS NULL",
            new { codeId, maxAttempts },
            cancellationToken));
        return affected == 1;
    }

    public async Task<bool> TryConsumeAsync(string codeId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        var affected = await connection.ExecuteAsync(Sql.Command(
            "UPDATE verification_codes SET consumed_at = @now WHERE id = @codeId AND consumed_at IS NULL",
            new { codeId, now = Sql.ToUnixMs(now) },
            cancellationToken));
        return affected == 1;
    }

    private sealed class CodeRow
    {
        public string Id { get; init; } = "";
        public string Purpose { get; init; } = "";
        public string Channel { get; init; } = "";
        public string DestinationIndex { get; init; } = "";
        public string CodeHash { get; init; } = "";
        public int Attempts { get; init; }
        public long CreatedAt { get; init; }
        public long ExpiresAt { get; init; }
        public long? ConsumedAt { get; init; }
        public string? Payload { get; init; }

        public VerificationCode ToCode() => new()
        {
            Id = Id,
            Purpose = CodePurposes.FromWire(Purpose) ?? throw new InvalidDataException($"The code '{Id}' has the unknown purpose '{Purpose}'."),
            Channel = DeliveryChannels.FromWire(Channel) ?? throw new InvalidDataException($"The code '{Id}' has the unknown channel '{Channel}'."),
            DestinationIndex = DestinationIndex,
            CodeHash = CodeHash,
            Attempts = Attempts,
            CreatedAt = Sql.FromUnixMs(CreatedAt),
            ExpiresAt = Sql.FromUnixMs(ExpiresAt),
            ConsumedAt = Sql.FromUnixMs(ConsumedAt),
            Payload = Payload,
        };
    }
}
