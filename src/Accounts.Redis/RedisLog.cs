using Microsoft.Extensions.Logging;

namespace Accounts.Redis;

/// <summary>
/// Event ids 4000-4099 belong to this project. Messages name the endpoint, the connection's role and the command
/// name, never an argument, a value or a channel: they may hold codes, tokens or personal data.
/// </summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Connected to Redis at {Endpoint} ({Role} connection)")]
    public static partial void Connected(ILogger logger, string endpoint, string role);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "Lost the {Role} connection to Redis at {Endpoint}; {InFlight} command(s) in flight failed; reconnecting")]
    public static partial void ConnectionLost(ILogger logger, string endpoint, string role, int inFlight, Exception reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning,
        Message = "Could not connect to Redis at {Endpoint} ({Role} connection, attempt {Attempt}); next attempt in {Delay}")]
    public static partial void ConnectFailed(ILogger logger, string endpoint, string role, int attempt, TimeSpan delay, Exception error);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "{Command} got no reply from Redis at {Endpoint} within {Timeout}; dropping the {Role} connection so that later replies cannot be mismatched")]
    public static partial void CommandTimedOut(ILogger logger, string command, string endpoint, TimeSpan timeout, string role);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Subscribed again to {Count} channel(s) and pattern(s) on Redis at {Endpoint}")]
    public static partial void Resubscribed(ILogger logger, int count, string endpoint);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "A Redis subscription handler failed; the subscription keeps receiving")]
    public static partial void HandlerFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Debug, Message = "Closed the {Role} connection to Redis at {Endpoint}")]
    public static partial void Closed(ILogger logger, string endpoint, string role);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Unsubscribing from Redis at {Endpoint} failed; the server may keep sending messages nobody reads")]
    public static partial void UnsubscribeFailed(ILogger logger, string endpoint, Exception error);
}
