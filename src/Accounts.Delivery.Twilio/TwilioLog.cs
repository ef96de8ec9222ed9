using Microsoft.Extensions.Logging;

namespace Accounts.Delivery.Twilio;

/// <summary>
/// Event ids 8100-8149 belong to this project. Messages name the channel, Twilio's message SID, HTTP status, Twilio's
/// error code and the attempt; never a phone number, a message body (it holds the code) or the AuthToken.
/// </summary>
internal static partial class TwilioLog
{
    [LoggerMessage(EventId = 8100, Level = LogLevel.Information, Message = "Twilio accepted the {Channel} message as {MessageSid} (attempt {Attempt})")]
    public static partial void Accepted(ILogger logger, string channel, string messageSid, int attempt);

    [LoggerMessage(EventId = 8101, Level = LogLevel.Warning,
        Message = "Twilio answered HTTP {Status} (error {ErrorCode}) to attempt {Attempt} of {MaxAttempts} for a {Channel} message; next attempt in {Delay}")]
    public static partial void Retrying(ILogger logger, int status, int? errorCode, int attempt, int maxAttempts, string channel, TimeSpan delay);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning,
        Message = "No answer from Twilio to attempt {Attempt} of {MaxAttempts} for a {Channel} message ({Reason}); next attempt in {Delay}")]
    public static partial void RetryingUnanswered(ILogger logger, int attempt, int maxAttempts, string channel, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Warning,
        Message = "Twilio refused a {Channel} message: HTTP {Status}, error {ErrorCode} ({Reason}); not retrying")]
    public static partial void Refused(ILogger logger, string channel, int status, int? errorCode, string reason);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Error,
        Message = "Twilio refused a {Channel} message because of Accounts' settings: HTTP {Status}, error {ErrorCode} ({Reason}); every message will fail until they are fixed")]
    public static partial void Misconfigured(ILogger logger, string channel, int status, int? errorCode, string reason);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Warning,
        Message = "Twilio did not take a {Channel} message after {Attempts} attempt(s) ({Last}); the caller may try again later")]
    public static partial void GaveUp(ILogger logger, string channel, int attempts, string last);

    [LoggerMessage(EventId = 8106, Level = LogLevel.Warning,
        Message = "Twilio accepted a {Channel} message (HTTP {Status}) but its answer carries no sid; delivery reports for it will match nothing")]
    public static partial void AcceptedWithoutSid(ILogger logger, string channel, int status);

    [LoggerMessage(EventId = 8120, Level = LogLevel.Debug, Message = "Twilio reports {MessageSid} as {MessageStatus} (error {ErrorCode}); recorded")]
    public static partial void StatusRecorded(ILogger logger, string messageSid, string messageStatus, string? errorCode);

    [LoggerMessage(EventId = 8121, Level = LogLevel.Information,
        Message = "Twilio reports {MessageSid} as {MessageStatus} (error {ErrorCode}), but no sent code request has that SID")]
    public static partial void StatusUnmatched(ILogger logger, string messageSid, string messageStatus, string? errorCode);

    [LoggerMessage(EventId = 8122, Level = LogLevel.Warning, Message = "Rejected a Twilio status callback: {Reason}")]
    public static partial void CallbackRejected(ILogger logger, string reason);
}
