namespace Accounts.Notifications.SocketIo.Protocol;

/// <summary>Where the WebSocket transport of a Socket.IO server is, from the server's URL and its path.</summary>
internal static class SocketIoEndpoint
{
    /// <summary>
    /// <c>ws[s]://host[:port]&lt;path&gt;?EIO=4&amp;transport=websocket</c>: http becomes ws and https wss, and the path
    /// gets the leading and trailing slash the server matches on (<c>socket.io</c> → <c>/socket.io/</c>).
    /// </summary>
    public static Uri Build(Uri serverUrl, string path)
    {
        ArgumentNullException.ThrowIfNull(serverUrl);
        var scheme = serverUrl.Scheme.ToLowerInvariant() switch
        {
            "http" or "ws" => "ws",
            "https" or "wss" => "wss",
            var other => throw new ArgumentException($"Socket.IO runs over http, https, ws or wss, not {other}.", nameof(serverUrl)),
        };
        var normalized = "/" + path.Trim('/');
        if (normalized.Length > 1)
        {
            normalized += "/";
        }

        return new UriBuilder(scheme, serverUrl.Host, serverUrl.Port, normalized) { Query = "EIO=4&transport=websocket" }.Uri;
    }
}
