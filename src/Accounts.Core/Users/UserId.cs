using Accounts.Core.Errors;

namespace Accounts.Core.Users;

/// <summary>
/// User ids are opaque strings of at most 100 characters (the original schema's VARCHAR(100)).
/// Callers may choose one, as the original system allowed; otherwise one is generated.
/// </summary>
public static class UserId
{
    public const int MaxLength = 100;

    public static string New() => Guid.CreateVersion7().ToString("N");

    public static Error? Validate(string id)
    {
        if (id.Length is 0 or > MaxLength)
        {
            return AccountErrors.Invalid("id", "invalid_id", $"The id must be 1 to {MaxLength} characters.");
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@'))
            {
                return AccountErrors.Invalid("id", "invalid_id", "The id may hold only letters, digits and - _ . : @.");
            }
        }

        return null;
    }
}
