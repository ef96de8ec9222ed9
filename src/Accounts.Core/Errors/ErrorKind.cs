namespace Accounts.Core.Errors;

/// <summary>The family an error belongs to; each front door maps it to its own status (HTTP, TCP, job).</summary>
public enum ErrorKind
{
    Validation,
    Unauthorized,
    Forbidden,
    Locked,
    NotFound,
    Conflict,
    RateLimited,
    Unavailable,
}
