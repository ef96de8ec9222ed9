using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Accounts.Security;

/// <summary>One ES256 key: the private half signs (current key only), the public half validates and is published.</summary>
internal sealed class SigningKey
{
    public SigningKey(string id, ECDsa privateKey)
    {
        Id = id;
        Credentials = new SigningCredentials(new ECDsaSecurityKey(privateKey) { KeyId = id }, SecurityAlgorithms.EcdsaSha256);

        var parameters = privateKey.ExportParameters(includePrivateParameters: false);
        ValidationKey = new ECDsaSecurityKey(ECDsa.Create(parameters)) { KeyId = id };
        PublicJwk = new JwksKey(
            KeyType: "EC",
            Curve: "P-256",
            X: Base64Url.EncodeToString(parameters.Q.X),
            Y: Base64Url.EncodeToString(parameters.Q.Y),
            KeyId: id,
            Use: "sig",
            Algorithm: SecurityAlgorithms.EcdsaSha256);
    }

    public string Id { get; }

    public SigningCredentials Credentials { get; }

    /// <summary>Holds no private parameters, so nothing that validates can ever sign.</summary>
    public ECDsaSecurityKey ValidationKey { get; }

    public JwksKey PublicJwk { get; }

    public override string ToString() => $"SigningKey({Id})";
}
