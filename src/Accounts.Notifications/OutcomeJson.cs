using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Accounts.Notifications;

/// <summary>
/// The JSON form of an <see cref="Outcome"/> wherever one leaves the process (Redis, before encryption):
/// <c>{"userId", "operation", "jobId", "status", "message", "at"}</c>, <c>at</c> in ISO 8601 with its offset.
/// Every process of a deployment reads what any other wrote, so a change must stay readable by the previous version.
/// </summary>
public static class OutcomeJson
{
    public static string Serialize(Outcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var document = new OutcomeDocument(outcome.UserId, outcome.Operation, outcome.JobId, outcome.Status, outcome.Message, outcome.At);
        return JsonSerializer.Serialize(document, NotificationJsonContext.Default.OutcomeDocument);
    }

    /// <exception cref="JsonException">Not an outcome: malformed, or without a user or an operation.</exception>
    public static Outcome Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var document = JsonSerializer.Deserialize(json, NotificationJsonContext.Default.OutcomeDocument);
        if (document is null || string.IsNullOrEmpty(document.UserId) || string.IsNullOrEmpty(document.Operation))
        {
            throw new JsonException("An outcome needs a userId and an operation.");
        }

        return new Outcome(document.UserId, document.Operation, document.JobId, document.Status, document.Message, document.At);
    }
}

/// <summary>Outcome's members without its derived <see cref="Outcome.Room"/>, which is not data.</summary>
internal sealed record OutcomeDocument(string UserId, string Operation, string? JobId, bool Status, JsonNode? Message, DateTimeOffset At);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OutcomeDocument))]
[JsonSerializable(typeof(JobTicketScope))]
internal sealed partial class NotificationJsonContext : JsonSerializerContext;
