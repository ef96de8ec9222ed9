using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Accounts.Benchmarks.Queues;

/// <summary>
/// The original gateway's job token: a JWT signed HS256 with its shared secret over <c>{Id}</c>, with the <c>iat</c>
/// and <c>exp</c> that <c>jsonwebtoken</c>'s <c>sign(..., {expiresIn: '1h'})</c> adds. Both workers check it.
/// </summary>
internal static class GatewayToken
{
    private static readonly string Header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);

    /// <summary>A fresh secret, as long as the gateway's should be (Accounts asks for at least 16 characters).</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string Mint(byte[] secret, string id, DateTimeOffset now)
    {
        var issued = now.ToUnixTimeSeconds();
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["Id"] = id,
            ["iat"] = issued,
            ["exp"] = issued + 3600,
        }));
        var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(Header + "." + payload));
        return Header + "." + payload + "." + Base64Url.EncodeToString(signature);
    }
}
