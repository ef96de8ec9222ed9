using Accounts.Core.Security;
using Accounts.Core.Verification;
using Dapper;

namespace Accounts.Storage.Verification;

/// <summary>
/// The outbox of code requests in the <c>code_requests</c> table. Destinations are encrypted with the field keys
/// (they are contacts); the payload arrives encrypted by the core already.
/// </summary>
internal sealed class SqlCodeRequestOutbox(StorageProvider provider, IFieldProtector protector) : ICodeRequestOutbox
{
    private const string Columns = """
        id AS Id, purpose AS Purpose, channel AS Channel, destination_cipher AS DestinationCipher, lifetime_ms AS LifetimeMs,
        payload AS Payload, user_id AS UserId, job_id AS JobId, created_at AS CreatedAt, published_at AS PublishedAt,
        sent_at AS SentAt
        """;

    public async Task AddAsync(CodeRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(Sql.Command(
            """
            INSERT INTO code_requests (id, purpose, channel, destination_cipher, lifetime_ms, payload, user_id, job_id, created_at, published_at, sent_at)
            VALUES (@Id, @Purpose, @Channel, @DestinationCipher, @LifetimeMs, @Payload, @UserId, @JobId, @CreatedAt, @PublishedAt, @SentAt)
            """,
            new
            {
                request.Id,
                Purpose = request.Purpose.ToWire(),
                Channel = request.Channel.ToWire(),
                DestinationCipher = protector.Protect(request.Destination),
                LifetimeMs = (long)request.Lifetime.TotalMilliseconds,
                request.Payload,
                request.UserId,
                request.JobId,
                CreatedAt = Sql.ToUnixMs(request.CreatedAt),
                PublishedAt = Sql.ToUnixMs(request.PublishedAt),
                SentAt = Sql.ToUnixMs(request.SentAt),
            },
            cancellationToken));
    }

    public async Task<IReadOnlyList<CodeRequest>> UnpublishedAsync(int max, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RequestRow>(Sql.Command(
            $"SELECT {Columns} FROM code_requests WHERE published_at IS NULL ORDER BY created_at, id LIMIT @max",
            new { max },
            cancellationToken));
        return [.. rows.Select(ToRequest)];
    }

    public async Task<bool> MarkPublishedAsync(string requestId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        return 1 == await connection.ExecuteAsync(Sql.Command(
            "UPDATE code_requests SET published_at = @at WHERE id = @requestId AND published_at IS NULL",
            new { requestId, at = Sql.ToUnixMs(at) },
            cancellationToken));
    }

    public async Task<CodeRequest?> FindAsync(string requestId, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<RequestRow>(Sql.Command(
            $"SELECT {Columns} FROM code_requests WHERE id = @requestId",
            new { requestId },
            cancellationToken));
        return row is null ? null : ToRequest(row);
    }

    public async Task<IReadOnlyList<CodeRequest>> ReclaimAbandonedAsync(DateTimeOffset publishedBefore, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        var candidates = await connection.QueryAsync<RequestRow>(Sql.Command(
            $"SELECT {Columns} FROM code_requests WHERE sent_at IS NULL AND failed_at IS NULL AND published_at < @publishedBefore ORDER BY created_at, id LIMIT @max",
            new { publishedBefore = Sql.ToUnixMs(publishedBefore), max },
            cancellationToken));
        var taken = new List<CodeRequest>();
        foreach (var row in candidates)
        {
            // Conditional on the mark it had: of two processes reclaiming one request, one takes it.
            var affected = await connection.ExecuteAsync(Sql.Command(
                "UPDATE code_requests SET published_at = @now WHERE id = @Id AND published_at = @PublishedAt AND sent_at IS NULL AND failed_at IS NULL",
                new { now = Sql.ToUnixMs(now), row.Id, row.PublishedAt },
                cancellationToken));
            if (affected == 1)
            {
                taken.Add(ToRequest(row) with { PublishedAt = now });
            }
        }

        return taken;
    }

    public async Task MarkFailedAsync(string requestId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(Sql.Command(
            "UPDATE code_requests SET failed_at = @at WHERE id = @requestId AND sent_at IS NULL AND failed_at IS NULL",
            new { requestId, at = Sql.ToUnixMs(at) },
            cancellationToken));
    }

    public async Task<bool> MarkSentAsync(string requestId, DateTimeOffset at, string? providerMessageId, CancellationToken cancellationToken)
    {
        // Conditional: of two deliveries racing for one request, one records the send and the other learns it lost.
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        var affected = await connection.ExecuteAsync(Sql.Command(
            """
            UPDATE code_requests SET sent_at = @at, provider_message_id = @providerMessageId, published_at = COALESCE(published_at, @at)
            WHERE id = @requestId AND sent_at IS NULL
            """,
            new { requestId, at = Sql.ToUnixMs(at), providerMessageId },
            cancellationToken));
        return affected == 1;
    }

    public async Task<bool> RecordDeliveryAsync(DeliveryStatus status, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        var affected = await connection.ExecuteAsync(Sql.Command(
            """
            UPDATE code_requests SET delivery_status = @Status, delivery_error = @ErrorCode, delivery_at = @At
            WHERE provider_message_id = @ProviderMessageId AND (delivery_at IS NULL OR delivery_at <= @At)
            """,
            new { status.Status, status.ErrorCode, At = Sql.ToUnixMs(status.At), status.ProviderMessageId },
            cancellationToken));
        return affected > 0;
    }

    public async Task<DeliveryStatus?> FindDeliveryAsync(string requestId, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DeliveryRow>(Sql.Command(
            """
            SELECT provider_message_id AS ProviderMessageId, delivery_status AS Status, delivery_error AS ErrorCode, delivery_at AS At
            FROM code_requests WHERE id = @requestId AND delivery_status IS NOT NULL
            """,
            new { requestId },
            cancellationToken));
        return row is null ? null : new DeliveryStatus(row.ProviderMessageId ?? "", row.Status, row.ErrorCode, Sql.FromUnixMs(row.At));
    }

    public async Task<int> PruneAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken)
    {
        await using var connection = await provider.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(Sql.Command(
            "DELETE FROM code_requests WHERE (sent_at IS NOT NULL AND sent_at < @sentBefore) OR (failed_at IS NOT NULL AND failed_at < @sentBefore)",
            new { sentBefore = Sql.ToUnixMs(sentBefore) },
            cancellationToken));
    }

    private CodeRequest ToRequest(RequestRow row) => new()
    {
        Id = row.Id,
        Purpose = CodePurposes.FromWire(row.Purpose) ?? throw new InvalidDataException($"The code request '{row.Id}' has the unknown purpose '{row.Purpose}'."),
        Channel = DeliveryChannels.FromWire(row.Channel) ?? throw new InvalidDataException($"The code request '{row.Id}' has the unknown channel '{row.Channel}'."),
        Destination = protector.Unprotect(row.DestinationCipher),
        Lifetime = TimeSpan.FromMilliseconds(row.LifetimeMs),
        Payload = row.Payload,
        UserId = row.UserId,
        JobId = row.JobId,
        CreatedAt = Sql.FromUnixMs(row.CreatedAt),
        PublishedAt = Sql.FromUnixMs(row.PublishedAt),
        SentAt = Sql.FromUnixMs(row.SentAt),
    };

    private sealed class RequestRow
    {
        public string Id { get; init; } = "";
        public string Purpose { get; init; } = "";
        public string Channel { get; init; } = "";
        public string DestinationCipher { get; init; } = "";
        public long LifetimeMs { get; init; }
        public string? Payload { get; init; }
        public string? UserId { get; init; }
        public string? JobId { get; init; }
        public long CreatedAt { get; init; }
        public long? PublishedAt { get; init; }
        public long? SentAt { get; init; }
    }

    private sealed class DeliveryRow
    {
        public string? ProviderMessageId { get; init; }
        public string Status { get; init; } = "";
        public string? ErrorCode { get; init; }
        public long At { get; init; }
    }
}
