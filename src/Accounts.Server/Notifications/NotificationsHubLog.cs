namespace Accounts.Server.Notifications;

/// <summary>Event ids 1050–1069 (in Accounts.Server's 1000–1099): the notifications hub. Connection ids only, never a user id, token or outcome.</summary>
internal static partial class NotificationsHubLog
{
    [LoggerMessage(EventId = 1050, Level = LogLevel.Debug, Message = "Notifications connection {ConnectionId} opened for {Listener}; {Kept} kept outcome(s) delivered")]
    public static partial void Connected(ILogger logger, string connectionId, string listener, int kept);

    [LoggerMessage(EventId = 1051, Level = LogLevel.Information, Message = "Notifications connection {ConnectionId} closed: its access token is no longer active")]
    public static partial void TokenEnded(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 1052, Level = LogLevel.Warning, Message = "The kept outcomes of notifications connection {ConnectionId} could not be read; it gets live outcomes only")]
    public static partial void KeptUnavailable(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 1053, Level = LogLevel.Warning, Message = "Checking the access token of notifications connection {ConnectionId} again failed; the connection stays until the next check")]
    public static partial void RecheckFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(EventId = 1054, Level = LogLevel.Warning,
        Message = "Not yet listening for outcomes after {Wait}; the hub starts anyway and listens as soon as it can (outcomes published meanwhile reach only later connections, as kept outcomes)")]
    public static partial void NotListeningYet(ILogger logger, TimeSpan wait);
}
