using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Accounts.Server.Jobs;

/// <summary>
/// Checks the original Node gateway's tokens: JWTs signed HS256 with a shared secret over <c>{Id}</c> (with the
/// <c>iat</c> and <c>exp</c> the <c>jsonwebtoken</c> package adds). Only HS256 is accepted (never <c>none</c>, never
/// another algorithm chosen by the token); the signature is compared in constant time; the token must be current
/// (<c>exp</c>, or <c>iat</c> + <see cref="QueuesOptions.LegacyTokenMaxAge"/> when there is no <c>exp</c>) and its
/// <c>Id</c> must be the job's.
/// </summary>
internal sealed class LegacyGatewayTokens(QueuesOptions options, TimeProvider time)
{
    private readonly byte[]? _secret = options.LegacyTokenSecret is { Length: > 0 } secret ? Encoding.UTF8.GetBytes(secret) : null;

    public bool Enabled => _secret is not null;

    public bool IsValid(string token, string userId)
    {
        if (_secret is null || token.Length > 8 * 1024)
        {
            return false;
        }

        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            using var header = JsonDocument.Parse(WebEncoders.Base64UrlDecode(parts[0]));
            if (header.RootElement.ValueKind != JsonValueKind.Object
                || !header.RootElement.TryGetProperty("alg", out var alg)
                || alg.ValueKind != JsonValueKind.String
                || alg.GetString() != "HS256")
            {
                return false;
            }

            var signature = WebEncoders.Base64UrlDecode(parts[2]);
            var expected = HMACSHA256.HashData(_secret, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
            if (!CryptographicOperations.FixedTimeEquals(expected, signature))
            {
                return false;
            }

            using var payload = JsonDocument.Parse(WebEncoders.Base64UrlDecode(parts[1]));
            var claims = payload.RootElement;
            if (claims.ValueKind != JsonValueKind.Object
                || !claims.TryGetProperty("Id", out var id)
                || id.ValueKind != JsonValueKind.String
                || !string.Equals(id.GetString(), userId, StringComparison.Ordinal))
            {
                return false;
            }

            var now = time.GetUtcNow().ToUnixTimeSeconds();
            if (claims.TryGetProperty("exp", out var exp))
            {
                return exp.TryGetInt64(out var expires) && now < expires;
            }

            return claims.TryGetProperty("iat", out var iat)
                && iat.TryGetInt64(out var issued)
                && issued <= now + 60
                && now < issued + (long)options.LegacyTokenMaxAge.TotalSeconds;
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return false;
        }
    }
}
