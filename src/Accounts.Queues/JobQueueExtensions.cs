using System.Text.Json;
using System.Text.Json.Nodes;

namespace Accounts.Queues;

public static class JobQueueExtensions
{
    /// <summary>Adds a job whose data is a <see cref="JsonElement"/> (a request body, say).</summary>
    public static Task<string> AddAsync(
        this IJobQueue queue,
        string queueName,
        JsonElement data,
        JobOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var node = data.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : JsonNode.Parse(data.GetRawText());
        return queue.AddAsync(queueName, node, options, cancellationToken);
    }
}
