using System.Text.Json.Serialization;
using Accounts.Core.Sessions;
using Accounts.Security;
using Accounts.Server.Http;

namespace Accounts.Server.Tokens;

internal static class TokensApi
{
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/tokens/introspect", async (IntrospectionBody body, VerifyToken useCase, CancellationToken cancellationToken) =>
            {
                var status = await useCase.ExecuteAsync(body.Token, cancellationToken);
                return TypedResults.Ok(new IntrospectionResponse(status.Active, status.Subject, status.ExpiresAt?.ToUnixTimeSeconds()));
            })
            .RequireRateLimiting(RateLimits.AuthPolicy)
            .WithTags("Tokens")
            .WithName("IntrospectToken")
            .WithSummary("Tells whether an access token is active (signature, lifetime, live session); active is false for any bad token.")
            .Produces<IntrospectionResponse>();

        routes.MapGet("/.well-known/jwks.json", (JwtAccessTokenService tokens) => TypedResults.Ok(tokens.GetJsonWebKeySet()))
            .WithTags("Tokens")
            .WithName("JsonWebKeySet")
            .WithSummary("The public keys that verify access tokens (ES256).");

        return routes;
    }
}

internal sealed record IntrospectionBody(string? Token);

/// <summary>RFC 7662's core members: <c>exp</c> in seconds since the Unix epoch.</summary>
internal sealed record IntrospectionResponse(
    bool Active,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sub,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Exp);
