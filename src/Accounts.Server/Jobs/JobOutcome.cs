using System.Text.Json.Nodes;
using Accounts.Core.Errors;

namespace Accounts.Server.Jobs;

/// <summary>
/// What a job came to. <see cref="Rejected"/> fails the job for good (bad data, a bad token: no retry can mend it);
/// otherwise the job completes, its return value <c>{Status, Message}</c> as the original workers answered, even
/// when <c>Status</c> is false (a wrong code or password is an answer, not a failure).
/// </summary>
internal sealed record JobOutcome(bool Status, JsonNode? Message, bool Rejected = false)
{
    public const string SessionExpired = "Session expired. Please log in again.";
    public const string ProcessingError = "Error processing job";

    /// <summary>
    /// False when someone else tells the user later (a <c>Verification</c> job's code is sent, and notified, by the
    /// code sender once the request has crossed the bus).
    /// </summary>
    public bool Notify { get; init; } = true;

    /// <summary>What only the job's return value carries, never a notification (tokens of <c>Verify_User</c>).</summary>
    public JsonObject? Private { get; init; }

    public static JobOutcome Done(string message) => new(true, message);

    public static JobOutcome Done(JsonNode message) => new(true, message);

    public static JobOutcome Refused(string message) => new(false, message);

    public static JobOutcome Reject(string reason) => new(false, reason, Rejected: true);

    /// <summary>
    /// A use case's error: invalid input rejects the job; an unavailable dependency throws (the job is retried);
    /// anything else (a wrong code or password, a taken id, a lockout, a sending limit) is a <c>Status: false</c>
    /// answer with the error's message, or the original's wording where it had one (<paramref name="wording"/>).
    /// A bad token never reaches a use case: <see cref="JobAuthority"/> rejects the job first.
    /// </summary>
    public static JobOutcome From(Error error, Func<Error, string?>? wording = null) => error switch
    {
        // A wrong or spent code is an answer to the person, like a wrong password; other invalid input is bad data.
        { Kind: ErrorKind.Validation, Field: not "code" } => Reject(error.Message),
        { Kind: ErrorKind.Unavailable } => throw new JobUnavailableException(error.Message),
        _ => Refused(wording?.Invoke(error) ?? error.Message),
    };

    public string Reason => Message?.GetValueKind() == System.Text.Json.JsonValueKind.String ? Message.GetValue<string>() : ProcessingError;

    public JsonObject ToReturnValue()
    {
        var value = new JsonObject { ["Status"] = Status, ["Message"] = Message?.DeepClone() };
        if (Private is not null)
        {
            foreach (var (key, node) in Private)
            {
                value[key] = node?.DeepClone();
            }
        }

        return value;
    }
}

/// <summary>A dependency could not answer: the run fails and the job is retried per its options.</summary>
internal sealed class JobUnavailableException(string message) : Exception(message);

/// <summary>The job was refused for good (its reason is the failed reason Bull stores).</summary>
internal sealed class JobRejectedException(string message) : Exception(message);
