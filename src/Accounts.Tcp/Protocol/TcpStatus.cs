// Compiled into Accounts.Tcp and Accounts.Tcp.Client: the status byte has one definition.
#if ACCOUNTS_TCP_CLIENT
namespace Accounts.Tcp.Client;
#else
namespace Accounts.Tcp;
#endif

/// <summary>The status byte of a response frame.</summary>
public enum TcpStatus : byte
{
    Ok = 0,

    /// <summary>The request is malformed or a field is invalid (HTTP 400).</summary>
    BadRequest = 1,

    /// <summary>Bad credentials or an invalid token (HTTP 401).</summary>
    Unauthorized = 2,

    /// <summary>Not allowed, or the account is locked (HTTP 403 and 423).</summary>
    Forbidden = 3,

    NotFound = 4,

    Conflict = 5,

    /// <summary>A rate limit was reached; the error may carry <c>retryAfter</c> (HTTP 429).</summary>
    RateLimited = 6,

    /// <summary>The service or a dependency is unavailable; safe to retry later (HTTP 503).</summary>
    Unavailable = 7,

    /// <summary>An unexpected failure; details only in the server's log (HTTP 500).</summary>
    Internal = 8,
}
