using Accounts.Core.Errors;

namespace Accounts.Tcp;

/// <summary>Where each family of business error lands on the wire; the TCP counterpart of the HTTP status mapping.</summary>
public static class TcpStatusMapping
{
    public static TcpStatus ToTcpStatus(this ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => TcpStatus.BadRequest,
        ErrorKind.Unauthorized => TcpStatus.Unauthorized,
        ErrorKind.Forbidden or ErrorKind.Locked => TcpStatus.Forbidden,
        ErrorKind.NotFound => TcpStatus.NotFound,
        ErrorKind.Conflict => TcpStatus.Conflict,
        ErrorKind.RateLimited => TcpStatus.RateLimited,
        ErrorKind.Unavailable => TcpStatus.Unavailable,
        _ => TcpStatus.Internal,
    };
}
