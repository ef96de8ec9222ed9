using Accounts.Core;
using Accounts.Core.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Accounts.Security;

/// <summary>
/// Access tokens as ES256 JWTs typed <c>at+jwt</c> (RFC 9068), so that no other kind of JWT signed with these
/// keys is ever taken for one. Claims: iss, aud, sub (user id), sid (session id), jti, iat, nbf, exp.
/// Times come only from the caller's <c>now</c>: the library's clock is switched off on both sides.
/// </summary>
public sealed class JwtAccessTokenService : IAccessTokenService
{
    /// <summary>The <c>typ</c> header of every token issued, and the only one accepted.</summary>
    public const string TokenType = "at+jwt";

    /// <summary>Longer input is refused before it is parsed. Issued tokens are about 500 characters.</summary>
    public const int MaxTokenLength = 8 * 1024;

    private const string SessionIdClaim = "sid";

    private readonly KeyRing _keys;
    private readonly TokenOptions _options;
    private readonly JsonWebTokenHandler _handler;
    private readonly TokenValidationParameters _validation;
    private readonly JwksDocument _jwks;

    /// <exception cref="ArgumentException">A token setting is unusable (the message names it).</exception>
    public JwtAccessTokenService(KeyRing keys, TokenOptions options)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            throw new ArgumentException($"{TokenOptions.Section}:{nameof(TokenOptions.Issuer)} is required.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            throw new ArgumentException($"{TokenOptions.Section}:{nameof(TokenOptions.Audience)} is required.", nameof(options));
        }

        if (options.AccessTokenLifetime < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException($"{TokenOptions.Section}:{nameof(TokenOptions.AccessTokenLifetime)} must be at least one second.", nameof(options));
        }

        _keys = keys;
        _options = options;
        _handler = new JsonWebTokenHandler
        {
            SetDefaultTimesOnTokenCreation = false,
            MaximumTokenSizeInBytes = MaxTokenLength,
        };
        _validation = new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            IssuerSigningKeys = keys.SigningKeys.Select(k => k.ValidationKey).ToArray(),
            ValidateIssuerSigningKey = true,

            // The key is chosen by kid alone: a token naming no known key is refused, not tried against each.
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = [TokenType],
            RequireSignedTokens = true,

            // Lifetime is checked against the caller's clock in ValidateAsync; the library would use the system's.
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ClockSkew = TimeSpan.Zero,
            ValidateTokenReplay = false,
        };
        _jwks = new JwksDocument(keys.SigningKeys.Select(k => k.PublicJwk).ToArray());
    }

    public AccessToken Issue(string userId, string sessionId, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);

        // JWT times are whole seconds; rounding down here keeps ExpiresAt equal to the token's exp.
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((issuedAt + _options.AccessTokenLifetime).ToUnixTimeSeconds());
        var tokenId = Guid.NewGuid().ToString("N");
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = TokenType,
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [JwtRegisteredClaimNames.Sub] = userId,
                [SessionIdClaim] = sessionId,
                [JwtRegisteredClaimNames.Jti] = tokenId,
            },
            SigningCredentials = _keys.CurrentSigningKey.Credentials,
        });
        return new AccessToken(token, tokenId, expiresAt);
    }

    public async Task<AccessTokenClaims?> ValidateAsync(string token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var result = await _handler.ValidateTokenAsync(token, _validation);
            if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt || jwt.Alg != SecurityAlgorithms.EcdsaSha256)
            {
                return null;
            }

            if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out var notBefore)
                || !jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var expires)
                || !jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var subject)
                || !jwt.TryGetPayloadValue<string>(SessionIdClaim, out var sessionId)
                || !jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Jti, out var tokenId)
                || string.IsNullOrEmpty(subject)
                || string.IsNullOrEmpty(sessionId)
                || string.IsNullOrEmpty(tokenId))
            {
                return null;
            }

            // Valid iff nbf <= now < exp. Both are whole seconds, so comparing with now's whole second is exact.
            var nowSeconds = now.ToUnixTimeSeconds();
            if (notBefore > nowSeconds || nowSeconds >= expires)
            {
                return null;
            }

            return new AccessTokenClaims(subject, sessionId, tokenId, DateTimeOffset.FromUnixTimeSeconds(expires));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever the input, a bad token is an answer (null), not a failure of the service.
            return null;
        }
    }

    /// <summary>The public halves of every signing key, for <c>/.well-known/jwks.json</c>.</summary>
    public JwksDocument GetJsonWebKeySet() => _jwks;
}
