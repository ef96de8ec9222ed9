namespace Accounts.Core.Errors;

/// <summary>An expected failure of a use case, with a stable machine-readable <see cref="Code"/>.</summary>
public sealed record Error(string Code, string Message, ErrorKind Kind)
{
    /// <summary>For <see cref="ErrorKind.Locked"/> and <see cref="ErrorKind.RateLimited"/>: when trying again may succeed.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>For validation errors: the input field at fault.</summary>
    public string? Field { get; init; }
}
