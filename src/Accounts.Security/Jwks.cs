using System.Text.Json.Serialization;

namespace Accounts.Security;

/// <summary>The JWKS document (RFC 7517) of the access-token signing keys: public halves only, by construction.</summary>
public sealed record JwksDocument([property: JsonPropertyName("keys")] IReadOnlyList<JwksKey> Keys);

/// <summary>An EC P-256 public key as a JWK. There is no field for the private <c>d</c>.</summary>
public sealed record JwksKey(
    [property: JsonPropertyName("kty")] string KeyType,
    [property: JsonPropertyName("crv")] string Curve,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y,
    [property: JsonPropertyName("kid")] string KeyId,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Algorithm);
