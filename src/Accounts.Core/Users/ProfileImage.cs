using Accounts.Core.Errors;

namespace Accounts.Core.Users;

/// <summary>Profile images arrive as base64 and must be PNG, JPEG or WebP, judged by their bytes, not by a claim.</summary>
public static class ProfileImage
{
    public static Result<byte[]> Parse(string base64, int maxBytes)
    {
        var text = base64.Trim();
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && comma > 0)
        {
            text = text[(comma + 1)..];
        }

        if (text.Length > (maxBytes + 2) / 3 * 4 + 4)
        {
            return TooLarge(maxBytes);
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return AccountErrors.Invalid("image", "invalid_image", "The image must be base64.");
        }

        if (bytes.Length > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        return Sniff(bytes) is null
            ? AccountErrors.Invalid("image", "invalid_image", "The image must be a PNG, JPEG or WebP file.")
            : bytes;
    }

    /// <summary>The media type the bytes are, or null when they are none of the accepted formats.</summary>
    public static string? Sniff(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<byte> png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (bytes.StartsWith(png))
        {
            return "image/png";
        }

        if (bytes.Length >= 4 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        {
            return "image/jpeg";
        }

        if (bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        return null;
    }

    private static Error TooLarge(int maxBytes) =>
        AccountErrors.Invalid("image", "image_too_large", $"The image must be at most {maxBytes} bytes.");
}
