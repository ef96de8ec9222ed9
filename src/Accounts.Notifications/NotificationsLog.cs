using Microsoft.Extensions.Logging;

namespace Accounts.Notifications;

/// <summary>
/// Event ids 7100–7149 (the Socket.IO bridge has 7000–7049). Messages name the operation and job, never the user,
/// the message of an outcome or a ticket: an outcome can hold a phone number or a profile.
/// </summary>
internal static partial class NotificationsLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Error, Message = "Outcome sink {Sink} failed for {Operation}/{JobId}; the other sinks still got the outcome")]
    public static partial void SinkFailed(ILogger logger, string sink, string operation, string? jobId, Exception exception);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Error, Message = "A subscriber to the outcome feed failed for {Operation}/{JobId}; the other subscribers still got the outcome")]
    public static partial void SubscriberFailed(ILogger logger, string operation, string? jobId, Exception exception);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "The outcome of {Operation}/{JobId} could not be published through Redis; it is dropped")]
    public static partial void PublishFailed(ILogger logger, string operation, string? jobId, Exception exception);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "Subscribing to outcomes on Redis failed; trying again in {Delay}")]
    public static partial void SubscribeFailed(ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Information, Message = "Listening for outcomes on Redis channel {Channel}")]
    public static partial void Subscribed(ILogger logger, string channel);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Warning,
        Message = "An outcome could not be read from Redis (not encrypted with this process's keys, or malformed); it is dropped")]
    public static partial void UnreadableOutcome(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7106, Level = LogLevel.Warning,
        Message = "A job ticket's scope could not be read from Redis (not encrypted with this process's keys, or malformed); the ticket is refused")]
    public static partial void UnreadableTicket(ILogger logger, Exception exception);
}
