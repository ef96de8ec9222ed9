using Microsoft.Extensions.Logging;

namespace Accounts.Notifications.SocketIo;

/// <summary>
/// Event ids 7000-7049 belong to this project. Messages name the endpoint, the connection state, counts, reasons and
/// at most an outcome's operation; never a room (it holds the user id), a message (a phone number, a profile) or the
/// auth token.
/// </summary>
internal static partial class SocketIoLog
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Connected to the Socket.IO server at {Endpoint} as {Sid}; {Pending} outcome(s) waiting to be sent")]
    public static partial void Connected(ILogger logger, Uri endpoint, string sid, int pending);

    /// <summary>Logged at Warning on the first failure of a streak and every tenth after it, at Debug otherwise: a server down for hours must not flood the log.</summary>
    [LoggerMessage(EventId = 7001, Message = "Could not connect to the Socket.IO server at {Endpoint} (attempt {Attempt}): {Reason}; {Pending} outcome(s) waiting; next attempt in {Delay}")]
    public static partial void ConnectFailed(ILogger logger, LogLevel level, Uri endpoint, int attempt, string reason, int pending, TimeSpan delay);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning,
        Message = "Lost the connection to the Socket.IO server at {Endpoint}: {Reason}; {Pending} outcome(s) waiting; reconnecting")]
    public static partial void ConnectionLost(ILogger logger, Uri endpoint, string reason, int pending);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning,
        Message = "The Socket.IO buffer is full ({MaxBuffered}): dropped the {Count} oldest outcome(s) not yet sent ({Total} since start)")]
    public static partial void Dropped(ILogger logger, int maxBuffered, long count, long total);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning,
        Message = "Dropped a {Operation} outcome of {Bytes} bytes: the Socket.IO server accepts frames of at most {MaxPayload} bytes and would drop the connection")]
    public static partial void TooLarge(ILogger logger, string operation, int bytes, int maxPayload);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Error, Message = "Dropped a {Operation} outcome that could not be encoded as JSON ({Error})")]
    public static partial void Unencodable(ILogger logger, string operation, string error);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Information, Message = "Stopped the Socket.IO bridge to {Endpoint}; {Pending} outcome(s) not sent are discarded")]
    public static partial void Stopped(ILogger logger, Uri endpoint, int pending);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Error, Message = "The Socket.IO bridge to {Endpoint} failed unexpectedly; reconnecting")]
    public static partial void Unexpected(ILogger logger, Uri endpoint, Exception error);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Debug, Message = "Sent {Count} outcome(s) to the Socket.IO server at {Endpoint}; none waiting")]
    public static partial void Drained(ILogger logger, int count, Uri endpoint);
}
