using System.Security.Claims;
using Accounts.Notifications;

namespace Accounts.Server.Notifications;

/// <summary>
/// Whose outcomes a hub connection hears, as the authentication handler established it and the hub reads it: a
/// user's (an access token), or one job's (a redeemed ticket). Nothing a client sends later can change it.
/// </summary>
internal sealed record HubListener(string UserId, string? Operation, string? JobId)
{
    private const string UserClaim = "notifications:user";
    private const string OperationClaim = "notifications:operation";
    private const string JobClaim = "notifications:job";
    private const string TicketHolderClaim = "notifications:ticket-holder";

    public bool IsJob => Operation is not null;

    public static ClaimsPrincipal ForUser(string userId) =>
        Principal(new Claim(UserClaim, userId));

    public static ClaimsPrincipal ForJob(JobTicketScope scope) =>
        Principal(new Claim(UserClaim, scope.UserId), new Claim(OperationClaim, scope.Operation), new Claim(JobClaim, scope.JobId));

    /// <summary>
    /// A request that carries a well-formed ticket without spending it (negotiation, the client's messages): it may
    /// pass, but it is no listener; only the request that opens the transport redeems the ticket.
    /// </summary>
    public static ClaimsPrincipal TicketHolder() =>
        Principal(new Claim(TicketHolderClaim, "true"));

    /// <summary>The listener <paramref name="user"/> stands for; null for a ticket holder or anything else.</summary>
    public static HubListener? Of(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true, AuthenticationType: NotificationsAuthenticationHandler.SchemeName }
            || user.FindFirstValue(UserClaim) is not { } userId)
        {
            return null;
        }

        var operation = user.FindFirstValue(OperationClaim);
        var jobId = user.FindFirstValue(JobClaim);
        return (operation is null) == (jobId is null) ? new HubListener(userId, operation, jobId) : null;
    }

    private static ClaimsPrincipal Principal(params Claim[] claims) =>
        new(new ClaimsIdentity(claims, NotificationsAuthenticationHandler.SchemeName, UserClaim, null));
}

/// <summary>
/// What a connection listens to, as a key: a user's outcomes, or one job's. The outcome's own keys say which
/// connections get it.
/// </summary>
internal static class ListenerKeys
{
    public static string User(string userId) => $"user:{userId}";

    /// <summary>
    /// One job's outcome, for its user only: job ids are unique in a queue, but a queue emptied and started again
    /// numbers its jobs from 1 again, and a live ticket must not hear someone else's job 7. The lengths keep
    /// (a:b, c) and (a, b:c) apart.
    /// </summary>
    public static string Job(string operation, string jobId, string userId) => $"job:{operation.Length}:{operation}:{jobId.Length}:{jobId}:{userId}";

    public static string Of(HubListener listener) =>
        listener.IsJob ? Job(listener.Operation!, listener.JobId!, listener.UserId) : User(listener.UserId);

    public static IReadOnlyList<string> Of(Outcome outcome) =>
        outcome.JobId is { } jobId ? [User(outcome.UserId), Job(outcome.Operation, jobId, outcome.UserId)] : [User(outcome.UserId)];
}
