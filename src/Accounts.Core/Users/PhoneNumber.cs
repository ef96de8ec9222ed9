using System.Text;
using Accounts.Core.Errors;

namespace Accounts.Core.Users;

/// <summary>
/// Phone numbers are normalized to E.164 (+ then 8 to 15 digits). Only international forms are accepted
/// ("+", or the "00" prefix); spaces, dots, dashes and parentheses are ignored. Without a default region,
/// a national number would be ambiguous, so it is refused rather than guessed.
/// </summary>
public static class PhoneNumber
{
    public static Result<string> Parse(string? value, string field = "phone")
    {
        var raw = value?.Trim() ?? string.Empty;
        var digits = new StringBuilder(16);
        var international = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '+' && i == 0)
            {
                international = true;
            }
            else if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')'))
            {
                return Invalid(field);
            }
        }

        if (!international && digits.Length > 2 && digits[0] == '0' && digits[1] == '0' && raw.StartsWith("00", StringComparison.Ordinal))
        {
            digits.Remove(0, 2);
            international = true;
        }

        if (!international || digits.Length is < 8 or > 15 || digits[0] == '0')
        {
            return Invalid(field);
        }

        return "+" + digits;
    }

    /// <summary>True when a login looks like a phone number rather than a username.</summary>
    public static bool LooksLikePhone(string login) =>
        login.Length > 0 && (login[0] == '+' || login.StartsWith("00", StringComparison.Ordinal)) && Parse(login).IsSuccess;

    private static Error Invalid(string field) =>
        AccountErrors.Invalid(field, "invalid_phone", "The phone number must be in international form, e.g. +14155550123.");
}
