using System.Text.Json.Nodes;
using Accounts.Notifications;

namespace Accounts.Server.Notifications;

/// <summary>
/// The <c>outcome</c> event's payload, camel-cased by the hub protocol:
/// <c>{operation, jobId, id, status, message, at}</c>, where <c>id</c> is the original system's
/// <c>&lt;UserId&gt;_&lt;Operation&gt;</c>.
/// </summary>
internal sealed record OutcomeMessage(string Operation, string? JobId, string Id, bool Status, JsonNode? Message, DateTimeOffset At)
{
    public const string EventName = "outcome";

    public static OutcomeMessage From(Outcome outcome) =>
        new(outcome.Operation, outcome.JobId, outcome.Room, outcome.Status, outcome.Message, outcome.At);
}
