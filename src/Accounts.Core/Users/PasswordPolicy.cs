using System.Reflection;
using Accounts.Core.Errors;

namespace Accounts.Core.Users;

/// <summary>
/// NIST SP 800-63B: 8 to 128 characters, any characters, no composition rules; refuse the passwords that
/// attackers try first (a list shipped with the service, trivial repetitions and sequences) and the
/// user's own identifiers.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    private static readonly HashSet<string> Common = LoadCommon();

    public static Error? Check(string? password, params string?[] identifiers)
    {
        if (string.IsNullOrEmpty(password))
        {
            return AccountErrors.Invalid("password", "weak_password", "A password is required.");
        }

        // Length in Unicode code points, as the standard counts characters, not UTF-16 units.
        var length = password.EnumerateRunes().Count();
        if (length < MinLength)
        {
            return AccountErrors.Invalid("password", "weak_password", $"The password must be at least {MinLength} characters.");
        }

        if (length > MaxLength)
        {
            return AccountErrors.Invalid("password", "password_too_long", $"The password must be at most {MaxLength} characters.");
        }

        var lowered = password.ToLowerInvariant();
        if (Common.Contains(lowered) || IsRepetitive(lowered) || IsSequence(lowered))
        {
            return AccountErrors.Invalid("password", "weak_password", "This password is too common: choose another.");
        }

        foreach (var identifier in identifiers)
        {
            if (!string.IsNullOrEmpty(identifier) && lowered == identifier.ToLowerInvariant())
            {
                return AccountErrors.Invalid("password", "weak_password", "The password must not be your username, email or phone.");
            }
        }

        return null;
    }

    private static bool IsRepetitive(string password)
    {
        // "aaaaaaaa", "abababab", "abcabcabc": a short unit repeated.
        for (var unit = 1; unit <= 3; unit++)
        {
            var repeats = true;
            for (var i = unit; i < password.Length && repeats; i++)
            {
                repeats = password[i] == password[i % unit];
            }

            if (repeats)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSequence(string password)
    {
        // "12345678", "87654321", "abcdefgh".
        var step = password[1] - password[0];
        if (step is not (1 or -1))
        {
            return false;
        }

        for (var i = 2; i < password.Length; i++)
        {
            if (password[i] - password[i - 1] != step)
            {
                return false;
            }
        }

        return true;
    }

    private static HashSet<string> LoadCommon()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("Accounts.Core.common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                set.Add(line.ToLowerInvariant());
            }
        }

        return set;
    }
}
