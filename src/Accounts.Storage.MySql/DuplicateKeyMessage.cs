namespace Accounts.Storage.MySql;

/// <summary>Reads the key name out of the server's "Duplicate entry '...' for key '...'" message.</summary>
internal static class DuplicateKeyMessage
{
    private const string Marker = " for key '";

    /// <summary>
    /// The key name as the convention writes it: without the <c>table.</c> prefix that MySQL 8.0.19 and later put
    /// before it, and <c>PRIMARY</c> for a primary key; null when the message has another shape.
    /// </summary>
    public static string? FindKey(string message)
    {
        // The entry is the user's value and may itself hold " for key '": the key is the last quoted part.
        var start = message.LastIndexOf(Marker, StringComparison.Ordinal);
        if (start < 0 || !message.EndsWith('\''))
        {
            return null;
        }

        var key = message[(start + Marker.Length)..^1];
        key = key[(key.LastIndexOf('.') + 1)..];
        return key.Length == 0 ? null : key;
    }
}
