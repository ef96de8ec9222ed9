using Accounts.Core.Errors;

namespace Accounts.Core.Users;

/// <summary>
/// Email addresses are checked for shape only (delivery of a code is the real proof) and kept in lower case,
/// so that the blind index finds an address however it was typed.
/// </summary>
public static class EmailAddress
{
    public const int MaxLength = 254;

    public static Result<string> Parse(string? value)
    {
        var email = value?.Trim().ToLowerInvariant() ?? string.Empty;
        var at = email.IndexOf('@', StringComparison.Ordinal);
        var valid = email.Length is > 0 and <= MaxLength
            && at > 0
            && at == email.LastIndexOf('@')
            && at <= 64
            && email.IndexOf('.', at) > at + 1
            && !email.EndsWith('.')
            && !email.Contains("..", StringComparison.Ordinal)
            && !email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or '(' or ')' or ',' or ';' or '"' or '\\');
        return valid
            ? email
            : AccountErrors.Invalid("email", "invalid_email", "The email address is not valid.");
    }
}
