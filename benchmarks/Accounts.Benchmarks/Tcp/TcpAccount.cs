using System.Text.Json;
using System.Text.RegularExpressions;
using Accounts.Tcp.Client;

namespace Accounts.Benchmarks.Tcp;

/// <summary>
/// The one account whose access token the run verifies, signed up over the TCP door itself: Register (0x01), the
/// 6-digit code read from the server's outbox, then VerifyOtp (0x06), which answers a signed-in token pair.
/// </summary>
internal static partial class TcpAccount
{
    public const string Username = "tcprun";
    public const string Email = "tcprun@example.com";
    public const string Password = "tcp door benchmark passphrase";

    /// <summary>Signs the account up and returns its access token, checked once with VerifyToken.</summary>
    public static async Task<string> SignUpAsync(AccountsTcpClient client, string outboxPath, CancellationToken cancellationToken)
    {
        await client.RegisterAsync(Username, Email, Password, cancellationToken);
        var code = await ReadCodeAsync(outboxPath, cancellationToken);
        var signedUp = await client.VerifyOtpAsync(Email, code, cancellationToken);
        var check = await client.VerifyTokenAsync(signedUp.AccessToken, cancellationToken);
        if (!check.Active || check.Sub != signedUp.User.Id)
        {
            throw new InvalidOperationException($"VerifyToken answered active={check.Active}, sub={check.Sub} for the token VerifyOtp just gave.");
        }

        return signedUp.AccessToken;
    }

    /// <summary>The newest register code for <see cref="Email"/> in the outbox (JSON lines), waiting a little for it to land.</summary>
    private static async Task<string> ReadCodeAsync(string outboxPath, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (File.Exists(outboxPath))
            {
                string? code = null;
                foreach (var line in await File.ReadAllLinesAsync(outboxPath, cancellationToken))
                {
                    if (string.IsNullOrWhiteSpace(line))
                    {
                        continue;
                    }

                    using var message = JsonDocument.Parse(line);
                    var root = message.RootElement;
                    if (string.Equals(root.GetProperty("destination").GetString(), Email, StringComparison.OrdinalIgnoreCase)
                        && root.GetProperty("purpose").GetString() == "register"
                        && CodeInText().Match(root.GetProperty("text").GetString() ?? "") is { Success: true } match)
                    {
                        code = match.Groups["code"].Value;
                    }
                }

                if (code is not null)
                {
                    return code;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        throw new InvalidOperationException($"No register code for {Email} appeared in {outboxPath}.");
    }

    [GeneratedRegex(@"code is (?<code>\d{6})")]
    private static partial Regex CodeInText();
}
