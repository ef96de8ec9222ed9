using System.Collections.Concurrent;
using System.Text.Json;
using Accounts.Redis;
using Accounts.Storage.Redis;

namespace Accounts.Server.Jobs;

/// <summary>What became of a job, without its data or its answer (they may hold a password or a profile).</summary>
public sealed record JobStatus(string State, string? FailedReason, DateTimeOffset FinishedAt);

/// <summary>
/// Remembers, for <see cref="QueuesOptions.StatusRetention"/>, what became of each job this door ran: the original
/// gateway's jobs are removed from Bull when they finish (and so are those of <c>POST /v1/jobs</c>, since their data
/// holds passwords), yet <c>GET /v1/jobs/{queue}/{id}</c> should still tell whether one completed. In Redis when it
/// is configured (any process can answer), in this process otherwise.
/// </summary>
internal sealed class JobStatusBook(IRedisClient? redis, RedisKeys keys, QueuesOptions options, TimeProvider time)
{
    public const string Completed = "completed";
    public const string Failed = "failed";

    private const int MaxInMemory = 100_000;
    private readonly ConcurrentDictionary<string, JobStatus> _local = new(StringComparer.Ordinal);

    public async Task RecordAsync(string queue, string jobId, JobStatus status, CancellationToken cancellationToken)
    {
        var key = Key(queue, jobId);
        if (redis is not null)
        {
            await redis.SetAsync(key, JsonSerializer.Serialize(status, JsonSerializerOptions.Web), options.StatusRetention, cancellationToken: cancellationToken);
            return;
        }

        if (_local.Count >= MaxInMemory)
        {
            Prune();
        }

        _local[key] = status;
    }

    public async Task<JobStatus?> FindAsync(string queue, string jobId, CancellationToken cancellationToken)
    {
        var key = Key(queue, jobId);
        if (redis is not null)
        {
            return await redis.GetAsync(key, cancellationToken) is { } json ? JsonSerializer.Deserialize<JobStatus>(json, JsonSerializerOptions.Web) : null;
        }

        return _local.TryGetValue(key, out var status) && !Expired(status) ? status : null;
    }

    private string Key(string queue, string jobId) => $"{keys.Prefix}job:{queue}:{jobId}";

    private bool Expired(JobStatus status) => time.GetUtcNow() - status.FinishedAt > options.StatusRetention;

    private void Prune()
    {
        foreach (var (key, status) in _local)
        {
            if (Expired(status))
            {
                _local.TryRemove(key, out _);
            }
        }

        // Still full of live entries: forget the oldest half rather than grow without bound.
        if (_local.Count >= MaxInMemory)
        {
            foreach (var (key, _) in _local.OrderBy(entry => entry.Value.FinishedAt).Take(MaxInMemory / 2))
            {
                _local.TryRemove(key, out _);
            }
        }
    }
}
