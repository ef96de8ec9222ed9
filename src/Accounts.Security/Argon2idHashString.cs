namespace Accounts.Security;

/// <summary>
/// Reads the parameters of a PHC-format Argon2id string (<c>$argon2id$v=19$m=…,t=…,p=…$salt$hash</c>) before
/// libsodium sees it: anything else is refused, and so is a stored string whose costs exceed what this
/// service would ever choose, so that a corrupt row cannot make one verification take gigabytes.
/// </summary>
internal static class Argon2idHashString
{
    public const string Prefix = "$argon2id$v=19$";

    /// <summary>Hashes from libsodium are about 100 characters; longer input is not one of them.</summary>
    public const int MaxLength = 256;

    public static bool TryReadParameters(string? encoded, out int memoryKiB, out int iterations)
    {
        memoryKiB = 0;
        iterations = 0;
        if (encoded is null || encoded.Length > MaxLength || !encoded.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = encoded.AsSpan(Prefix.Length);
        if (!TryReadNumber(ref rest, "m=", out var m)
            || !TryReadNumber(ref rest, ",t=", out var t)
            || !TryReadNumber(ref rest, ",p=", out var p)
            || rest.Length == 0
            || rest[0] != '$')
        {
            return false;
        }

        rest = rest[1..];
        var separator = rest.IndexOf('$');
        if (separator <= 0 || separator == rest.Length - 1)
        {
            return false;
        }

        var salt = rest[..separator];
        var hash = rest[(separator + 1)..];
        if (!IsBase64(salt) || !IsBase64(hash)
            || m is < PasswordHashingOptions.MinMemoryKiB or > PasswordHashingOptions.MaxMemoryKiB
            || t is < 1 or > PasswordHashingOptions.MaxIterations
            || p is < 1 or > 16)
        {
            return false;
        }

        memoryKiB = (int)m;
        iterations = (int)t;
        return true;
    }

    private static bool TryReadNumber(ref ReadOnlySpan<char> rest, string label, out long value)
    {
        value = 0;
        if (!rest.StartsWith(label, StringComparison.Ordinal))
        {
            return false;
        }

        rest = rest[label.Length..];
        var digits = 0;
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
        {
            if (digits == 10)
            {
                return false;
            }

            value = value * 10 + (rest[digits] - '0');
            digits++;
        }

        rest = rest[digits..];
        return digits > 0;
    }

    private static bool IsBase64(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
            {
                return false;
            }
        }

        return true;
    }
}
