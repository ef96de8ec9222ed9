using System.Net;
using Microsoft.Extensions.Logging;

namespace Accounts.Tcp;

/// <summary>
/// Event ids 6000-6099 belong to the TCP door. Messages name the connection, request types, statuses, counts and
/// lengths, never a payload nor a parser's message about one: payloads hold passwords, codes and tokens.
/// </summary>
internal static partial class TcpLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Debug, Message = "TCP connection {ConnectionId} opened from {RemoteEndPoint}")]
    public static partial void ConnectionOpened(ILogger logger, string connectionId, EndPoint? remoteEndPoint);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "TCP connection {ConnectionId} closed ({Reason}) after {Requests} request(s)")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId, string reason, long requests);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "TCP connection {ConnectionId} refused: {MaxConnections} connections are open (Accounts:Tcp:MaxConnections)")]
    public static partial void TooManyConnections(ILogger logger, string connectionId, int maxConnections);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "TCP connection {ConnectionId} closed: idle for {IdleTimeout}")]
    public static partial void IdleTimeout(ILogger logger, string connectionId, TimeSpan idleTimeout);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning,
        Message = "TCP connection {ConnectionId} declared a frame of {Length} bytes (type 0x{Type:X2}), over the limit of {MaxFrameBytes}; closing it")]
    public static partial void FrameTooLarge(ILogger logger, string connectionId, uint length, byte type, int maxFrameBytes);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "TCP connection {ConnectionId} sent a frame too short to hold a type; closing it")]
    public static partial void InvalidFrame(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Debug, Message = "TCP connection {ConnectionId} ended in the middle of a frame ({Buffered} byte(s) received of it)")]
    public static partial void TruncatedFrame(ILogger logger, string connectionId, long buffered);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Debug, Message = "TCP connection {ConnectionId} sent unknown request type 0x{Type:X2}")]
    public static partial void UnknownType(ILogger logger, string connectionId, byte type);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Debug, Message = "TCP connection {ConnectionId} sent a {Type} request whose payload is not a JSON object ({Length} bytes)")]
    public static partial void InvalidJson(ILogger logger, string connectionId, TcpRequestType type, int length);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Information, Message = "TCP connection {ConnectionId} is over its request rate; answering rate_limited")]
    public static partial void RateLimited(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Error, Message = "The {Type} request on TCP connection {ConnectionId} failed unexpectedly")]
    public static partial void DispatchFailed(ILogger logger, TcpRequestType type, string connectionId, Exception error);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning, Message = "The {Type} request on TCP connection {ConnectionId} failed: a dependency is unavailable")]
    public static partial void DispatchUnavailable(ILogger logger, TcpRequestType type, string connectionId, Exception error);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Debug, Message = "The {Type} request on TCP connection {ConnectionId} had a payload of the wrong shape")]
    public static partial void InvalidRequest(ILogger logger, TcpRequestType type, string connectionId);

    [LoggerMessage(EventId = 6013, Level = LogLevel.Debug, Message = "TCP connection {ConnectionId} was lost")]
    public static partial void ConnectionLost(ILogger logger, string connectionId, Exception? error);

    [LoggerMessage(EventId = 6014, Level = LogLevel.Trace, Message = "TCP connection {ConnectionId}: {Type} answered with status {Status}")]
    public static partial void Answered(ILogger logger, string connectionId, byte type, TcpStatus status);
}
