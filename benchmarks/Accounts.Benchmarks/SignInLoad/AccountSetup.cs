using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Accounts.Benchmarks.SignInLoad;

/// <summary>Registers the one account the load run signs in with, through the public API as a person would.</summary>
internal static partial class AccountSetup
{
    public const string Username = "loadrun";
    public const string Email = "loadrun@example.com";
    public const string Password = "sign-in load run passphrase";

    /// <summary>Asks for a code, reads it from the outbox, registers, then checks that one sign-in answers 200.</summary>
    public static async Task RegisterAsync(HttpClient client, string outboxPath, CancellationToken cancellationToken)
    {
        using (var response = await client.PostAsJsonAsync(
            "/v1/verifications", new { channel = "email", destination = Email, purpose = "register" }, cancellationToken))
        {
            await ExpectAsync(response, HttpStatusCode.Accepted, "POST /v1/verifications", cancellationToken);
        }

        var code = await ReadCodeAsync(outboxPath, cancellationToken);
        using (var response = await client.PostAsJsonAsync(
            "/v1/users", new { username = Username, password = Password, email = Email, code }, cancellationToken))
        {
            await ExpectAsync(response, HttpStatusCode.Created, "POST /v1/users", cancellationToken);
        }

        using (var response = await client.PostAsJsonAsync("/v1/sessions", new { login = Username, password = Password }, cancellationToken))
        {
            await ExpectAsync(response, HttpStatusCode.OK, "POST /v1/sessions", cancellationToken);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
            if (!body.RootElement.TryGetProperty("accessToken", out var token) || token.GetString() is not { Length: > 0 })
            {
                throw new InvalidOperationException("POST /v1/sessions answered 200 without an accessToken.");
            }
        }
    }

    /// <summary>The 6 digits of the newest register code sent to <see cref="Email"/>, waiting a little for the line to land.</summary>
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
                    if (root.GetProperty("destination").GetString() == Email
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

    private static async Task ExpectAsync(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"{what} answered {(int)response.StatusCode} instead of {(int)expected}: {body}");
        }
    }

    [GeneratedRegex(@"code is (?<code>\d{6})")]
    private static partial Regex CodeInText();
}
