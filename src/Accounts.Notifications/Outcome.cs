using System.Text.Json.Nodes;

namespace Accounts.Notifications;

/// <summary>
/// What became of one operation (a job), for the user it concerns. <see cref="Operation"/> is the queue's name, which
/// is also the original system's notification suffix: the Socket.IO room is <c>&lt;UserId&gt;_&lt;Operation&gt;</c>.
/// </summary>
/// <param name="UserId">The account the operation was about (the job's <c>Id</c>); it may not exist yet.</param>
/// <param name="Operation">The queue's name: <c>Verification</c>, <c>Create_User</c>, ...</param>
/// <param name="JobId">The job's id in its queue, when the operation came as a job.</param>
/// <param name="Status">The original's <c>Status</c>: true when the operation did what was asked.</param>
/// <param name="Message">The original's <c>Message</c>: a string, or an object (the profile of <c>Read_User</c>).</param>
/// <param name="At">When the outcome was produced.</param>
public sealed record Outcome(string UserId, string Operation, string? JobId, bool Status, JsonNode? Message, DateTimeOffset At)
{
    /// <summary>The original system's room and <c>Profile</c> event id: <c>&lt;UserId&gt;_&lt;Operation&gt;</c>.</summary>
    public string Room => $"{UserId}_{Operation}";
}
