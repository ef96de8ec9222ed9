using Accounts.Core.Errors;

namespace Accounts.Core.Users;

/// <summary>A free-form name shown to people: at most 100 characters, no control characters; empty clears it.</summary>
public static class DisplayName
{
    public const int MaxLength = 100;

    public static Result<string?> Parse(string value)
    {
        var name = value.Trim();
        if (name.Length == 0)
        {
            return Result<string?>.Success(null);
        }

        if (name.Length > MaxLength || name.Any(char.IsControl))
        {
            return AccountErrors.Invalid("displayName", "invalid_display_name", $"The display name must be at most {MaxLength} characters, without control characters.");
        }

        return name;
    }
}
