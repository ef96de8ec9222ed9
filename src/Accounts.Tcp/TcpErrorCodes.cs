namespace Accounts.Tcp;

/// <summary>
/// The stable codes of the errors the connection handler answers by itself. Business errors carry the use cases'
/// codes, the same as the HTTP API's <c>code</c>.
/// </summary>
public static class TcpErrorCodes
{
    /// <summary>Status 1, then the connection is closed: the declared length is over the limit.</summary>
    public const string FrameTooLarge = "frame_too_large";

    /// <summary>Status 1, then the connection is closed: the declared length cannot hold a type byte.</summary>
    public const string InvalidFrame = "invalid_frame";

    /// <summary>Status 1: no such request type. The connection stays usable.</summary>
    public const string UnknownType = "unknown_type";

    /// <summary>Status 1: the payload is not one UTF-8 JSON object (empty is allowed for Ping only).</summary>
    public const string InvalidJson = "invalid_json";

    /// <summary>Status 1: valid JSON of the wrong shape (a string where an object or number was expected...).</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>Status 6: the connection sent requests faster than its limit.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>Status 7, then the connection is closed: the server holds as many connections as it allows.</summary>
    public const string TooManyConnections = "too_many_connections";

    /// <summary>Status 7: the database or another dependency failed; the same code as the HTTP API's 503.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>Status 8: an unexpected failure, with no details (they are in the server's log); the HTTP API's 500 code.</summary>
    public const string InternalError = "internal_error";
}
