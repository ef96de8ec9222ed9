namespace Accounts.Storage;

/// <summary>
/// An exception told for a health report or a log: its messages down the inner chain, never the password. Shared
/// by the server engines, whose drivers word their failures differently but must never leak a secret.
/// </summary>
public static class FailureText
{
    public static string Describe(Exception exception, string password)
    {
        var parts = new List<string>();
        for (var current = exception; current is not null && parts.Count < 4; current = current.InnerException)
        {
            var message = current.Message.Trim();
            if (message.Length > 0 && !parts.Contains(message))
            {
                parts.Add(message);
            }
        }

        var text = string.Join(" -> ", parts);

        // The driver's messages name the user and host, not the password; this is for any that might.
        return password.Length == 0 ? text : text.Replace(password, "***", StringComparison.Ordinal);
    }
}
