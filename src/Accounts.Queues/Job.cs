using System.Text.Json.Nodes;

namespace Accounts.Queues;

/// <summary>The job a handler runs.</summary>
public sealed class Job
{
    private int _discarded;

    /// <summary>A job as a worker hands it to a handler; public so that handlers can be tested without a queue.</summary>
    public Job(string queueName, string id, JsonNode? data, JobOptions? options = null, int attemptsMade = 0, DateTimeOffset? createdAt = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentOutOfRangeException.ThrowIfNegative(attemptsMade);
        QueueName = queueName;
        Id = id;
        Data = data;
        Options = options ?? new JobOptions();
        AttemptsMade = attemptsMade;
        CreatedAt = createdAt ?? DateTimeOffset.UnixEpoch;
    }

    public string QueueName { get; }

    public string Id { get; }

    public string Name => Options.Name;

    /// <summary>The job's data. It may hold passwords, codes or tokens: never log it.</summary>
    public JsonNode? Data { get; }

    public JobOptions Options { get; }

    /// <summary>How many earlier runs of this job failed: 0 on the first run.</summary>
    public int AttemptsMade { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>The stack traces of earlier failed runs, oldest first (Bull keeps them in the job).</summary>
    internal IReadOnlyList<string> Stacktrace { get; init; } = [];

    /// <summary>True once <see cref="Discard"/> was called.</summary>
    public bool IsDiscarded => Volatile.Read(ref _discarded) != 0;

    /// <summary>
    /// If this run fails, fail the job for good instead of retrying it (Bull's <c>job.discard()</c>): for failures
    /// that no retry can mend, such as an expired token.
    /// </summary>
    public void Discard() => Volatile.Write(ref _discarded, 1);

    public override string ToString() => $"Job({QueueName}/{Id})";
}
