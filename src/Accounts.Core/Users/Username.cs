using Accounts.Core.Errors;

namespace Accounts.Core.Users;

/// <summary>Usernames are 3 to 32 ASCII letters, digits, '.', '_' or '-', unique without regard to case.</summary>
public static class Username
{
    public const int MinLength = 3;
    public const int MaxLength = 32;

    public static Result<string> Parse(string? value)
    {
        var username = value?.Trim() ?? string.Empty;
        if (username.Length is < MinLength or > MaxLength)
        {
            return AccountErrors.Invalid("username", "invalid_username", $"The username must be {MinLength} to {MaxLength} characters.");
        }

        foreach (var c in username)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return AccountErrors.Invalid("username", "invalid_username", "The username may hold only letters, digits, '.', '_' and '-'.");
            }
        }

        return username;
    }

    public static string Normalize(string username) => username.ToLowerInvariant();

    /// <summary>
    /// The username given to an account created by the original system's <c>Create_User</c> job, whose own
    /// "Username" is a display name (the <c>Name</c> column): <c>u-</c> and 16 hex digits of the id's SHA-256,
    /// stable for an id. The user signs in with the phone, and may choose a username later.
    /// </summary>
    public static string ForId(string id) =>
        "u-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)))[..16];
}
