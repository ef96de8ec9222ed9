using System.Text.Json.Nodes;

namespace Accounts.Queues;

/// <summary>A snapshot of one job, as <see cref="IJobQueue.GetAsync"/> reads it.</summary>
public sealed record JobInfo
{
    public required string Id { get; init; }

    public required string QueueName { get; init; }

    public required JobState State { get; init; }

    public string Name { get; init; } = JobOptions.DefaultName;

    /// <summary>The job's data. It may hold passwords, codes or tokens: never log it.</summary>
    public JsonNode? Data { get; init; }

    public JobOptions Options { get; init; } = new();

    /// <summary>What the handler returned, once completed (JSON null when it returned nothing).</summary>
    public JsonNode? ReturnValue { get; init; }

    /// <summary>Why the last run failed (the exception's message), or null.</summary>
    public string? FailedReason { get; init; }

    /// <summary>How many runs failed so far (Bull counts failures, not successes).</summary>
    public int AttemptsMade { get; init; }

    /// <summary>When the job was added.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its last run started.</summary>
    public DateTimeOffset? ProcessedAt { get; init; }

    /// <summary>When it completed or failed for good.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
}
