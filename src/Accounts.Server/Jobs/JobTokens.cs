using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Accounts.Core.Security;
using Microsoft.AspNetCore.WebUtilities;

namespace Accounts.Server.Jobs;

/// <summary>
/// The token <c>POST /v1/jobs/{queue}</c> puts in a job before an account session exists (Verification,
/// Create_User, Verify_User, Recover_Password): it says "this HTTP door admitted a job for this id on this queue",
/// and is good for that queue and id only, for <see cref="QueuesOptions.JobTokenLifetime"/>. It is a MAC under the
/// service's index key, so every process sharing the keys can check it; it grants no session.
/// </summary>
internal sealed class JobTokens(IFieldProtector protector, QueuesOptions options, TimeProvider time)
{
    public const string Prefix = "ajt.";
    private const string Purpose = "job-token";

    public string Issue(string queue, string userId)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload(userId, queue, (time.GetUtcNow() + options.JobTokenLifetime).ToUnixTimeSeconds()));
        var body = WebEncoders.Base64UrlEncode(payload);
        return Prefix + body + "." + Mac(body);
    }

    public static bool LooksLikeOne(string token) => token.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>True when the token was issued for <paramref name="queue"/> and <paramref name="userId"/> and is still good.</summary>
    public bool IsValid(string token, string queue, string userId)
    {
        if (!LooksLikeOne(token) || token.Length > 1024)
        {
            return false;
        }

        var dot = token.LastIndexOf('.');
        if (dot <= Prefix.Length)
        {
            return false;
        }

        var body = token[Prefix.Length..dot];
        var expected = Encoding.ASCII.GetBytes(Mac(body));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(token[(dot + 1)..])))
        {
            return false;
        }

        Payload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<Payload>(WebEncoders.Base64UrlDecode(body));
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return false;
        }

        return payload is not null
            && string.Equals(payload.Sub, userId, StringComparison.Ordinal)
            && string.Equals(payload.Queue, queue, StringComparison.Ordinal)
            && time.GetUtcNow().ToUnixTimeSeconds() < payload.Exp;
    }

    private string Mac(string body) => protector.ComputeIndex(Purpose, body);

    private sealed record Payload(string Sub, string Queue, long Exp);
}
