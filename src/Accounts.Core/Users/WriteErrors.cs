using Accounts.Core.Errors;

namespace Accounts.Core.Users;

internal static class WriteErrors
{
    /// <summary>The error a store's answer stands for; null on success.</summary>
    public static Error? From(UserWriteResult result) => result switch
    {
        UserWriteResult.Success => null,
        UserWriteResult.NotFound => AccountErrors.UserNotFound,
        UserWriteResult.DuplicateId => AccountErrors.IdTaken,
        UserWriteResult.DuplicateUsername => AccountErrors.UsernameTaken,
        UserWriteResult.DuplicateEmail => AccountErrors.EmailTaken,
        UserWriteResult.DuplicatePhone => AccountErrors.PhoneTaken,
        UserWriteResult.Stale => AccountErrors.ConcurrentUpdate,
        _ => throw new ArgumentOutOfRangeException(nameof(result)),
    };
}
