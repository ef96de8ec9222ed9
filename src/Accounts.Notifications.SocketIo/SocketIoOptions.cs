using Accounts.Notifications.SocketIo.Protocol;

namespace Accounts.Notifications.SocketIo;

/// <summary>
/// The messages server the bridge forwards outcomes to (section <c>Accounts:Notifications:SocketIo</c>, e.g.
/// <c>Accounts__Notifications__SocketIo__Url=http://messages:3000</c>); an unset <see cref="Url"/> turns the bridge off.
/// </summary>
public sealed class SocketIoOptions
{
    public const string Section = "Accounts:Notifications:SocketIo";

    /// <summary>The server, as a Socket.IO client would be given it: <c>http://host:port</c> (or https, ws, wss), without a path.</summary>
    public string? Url { get; set; }

    /// <summary>The server's Engine.IO path (its <c>path</c> option).</summary>
    public string Path { get; set; } = "/socket.io/";

    /// <summary>Wait before the first reconnection attempt; it doubles on each failure up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Limit for one connection attempt: WebSocket, Engine.IO handshake and namespace admission.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Outcomes kept while the server is unreachable; one more drops the oldest.</summary>
    public int MaxBuffered { get; set; } = 10_000;

    /// <summary>Sent as the namespace connect's auth, <c>{"token": ...}</c>, for a server that checks it; never logged.</summary>
    public string? AuthToken { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    /// <summary>The first setting that cannot be used, as a message naming it; null when all can (or the bridge is off).</summary>
    public string? Validate()
    {
        if (!Enabled)
        {
            return null;
        }

        // The URL is not repeated in the messages: it may carry a password in its user-info part.
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url)
            || url.Scheme is not ("http" or "https" or "ws" or "wss")
            || string.IsNullOrEmpty(url.Host))
        {
            return $"{Section}:{nameof(Url)}: must be an absolute http, https, ws or wss URL such as http://127.0.0.1:3000.";
        }

        if (url.UserInfo.Length > 0)
        {
            return $"{Section}:{nameof(Url)}: must not hold a user name or password; set {Section}:{nameof(AuthToken)} for a server that checks one.";
        }

        if (url.AbsolutePath != "/" || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            return $"{Section}:{nameof(Url)}: must have no path, query or fragment (a Socket.IO client reads a path as a namespace); set {Section}:{nameof(Path)} for the server's path.";
        }

        if (string.IsNullOrWhiteSpace(Path) || !Path.StartsWith('/') || Path.Length > 200 || Path.Any(c => c is '?' or '#' or '%' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return $"{Section}:{nameof(Path)}: must start with / and hold no query, fragment, escape or space, such as /socket.io/.";
        }

        if (ReconnectDelay <= TimeSpan.Zero || ReconnectDelay > MaxReconnectDelay)
        {
            return $"{Section}:{nameof(ReconnectDelay)}: must be positive and at most {Section}:{nameof(MaxReconnectDelay)}.";
        }

        if (MaxReconnectDelay > TimeSpan.FromMinutes(10))
        {
            return $"{Section}:{nameof(MaxReconnectDelay)}: must be at most 00:10:00.";
        }

        if (ConnectTimeout <= TimeSpan.Zero || ConnectTimeout > TimeSpan.FromMinutes(5))
        {
            return $"{Section}:{nameof(ConnectTimeout)}: must be positive and at most 00:05:00.";
        }

        return MaxBuffered is < 1 or > 1_000_000 ? $"{Section}:{nameof(MaxBuffered)}: must be between 1 and 1000000." : null;
    }

    /// <summary>The WebSocket endpoint of the Engine.IO transport; only for validated, enabled options.</summary>
    internal Uri WebSocketEndpoint() => SocketIoEndpoint.Build(new Uri(Url!, UriKind.Absolute), Path);
}
