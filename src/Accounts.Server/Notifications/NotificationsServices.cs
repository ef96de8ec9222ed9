using Microsoft.AspNetCore.Authentication;

namespace Accounts.Server.Notifications;

internal static class NotificationsServices
{
    /// <summary>
    /// What the notifications hub needs besides SignalR and the notifications services (feed, tickets, options):
    /// its authentication scheme and policy, the broadcaster that feeds it, and the watch on its users' sessions.
    /// </summary>
    public static IServiceCollection AddNotificationsHub(this IServiceCollection services)
    {
        // Not the default scheme: only the hub reads a token from the query string, and only the hub takes tickets.
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, NotificationsAuthenticationHandler>(NotificationsAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(NotificationsAuthenticationHandler.PolicyName, policy => policy
                .AddAuthenticationSchemes(NotificationsAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser());
        services.AddSingleton<HubConnections>();
        services.AddSingleton<SessionWatch>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionWatch>());
        services.AddHostedService<OutcomeBroadcaster>();
        return services;
    }
}
