using Accounts.Server.Http;

namespace Accounts.Server.Notifications;

/// <summary>
/// Where a hub request carries its access token or ticket: the <c>Authorization: Bearer</c> header, or else the
/// <c>access_token</c> query parameter, which is how @microsoft/signalr sends it over WebSockets and Server-Sent
/// Events from a browser (neither can set headers there). Read on the hub's path only.
/// </summary>
internal static class HubCredential
{
    public static string? Read(HttpRequest request)
    {
        if (request.Headers.Authorization.Count > 0)
        {
            return request.BearerToken() is { Length: > 0 } value ? value : null;
        }

        string? query = request.Query["access_token"];
        return string.IsNullOrEmpty(query) ? null : query;
    }
}
