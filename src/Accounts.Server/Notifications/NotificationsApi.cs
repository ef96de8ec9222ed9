using Microsoft.AspNetCore.Http.Connections;

namespace Accounts.Server.Notifications;

internal static class NotificationsApi
{
    public const string HubPath = "/hubs/notifications";

    /// <summary>
    /// The SignalR hub at <c>/hubs/notifications</c>, over WebSockets or Server-Sent Events, for holders of an access
    /// token or a job ticket only (<see cref="NotificationsAuthenticationHandler"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapHub<NotificationsHub>(HubPath, options =>
        {
            // Long polling presents the credential again on every poll, which a one-time ticket cannot do.
            options.Transports = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents;
            // Ends a user's connection when its access token expires (SessionWatch ends it when its session does).
            options.CloseOnAuthenticationExpiration = true;
        }).RequireAuthorization(NotificationsAuthenticationHandler.PolicyName);
        return routes;
    }
}
