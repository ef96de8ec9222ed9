using System.Security.Claims;
using Accounts.Core.Services;
using Accounts.Core.Sessions;
using Accounts.Server.Http;

namespace Accounts.Server.Sessions;

internal static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/sessions").WithTags("Sessions");

        group.MapPost("/", async (SignInBody body, SignIn useCase, HttpContext context, CancellationToken cancellationToken) =>
                (await useCase.ExecuteAsync(new SignInRequest(body.Login, body.Password, context.ClientAddress()), cancellationToken))
                .ToHttp(context, pair => TypedResults.Ok(TokenResponse.From(pair))))
            .RequireRateLimiting(RateLimits.AuthPolicy)
            .WithName("SignIn")
            .WithSummary("Signs in with a username, email or phone and a password.")
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status423Locked);

        group.MapPost("/refresh", async (RefreshBody body, RefreshSession useCase, HttpContext context, CancellationToken cancellationToken) =>
                (await useCase.ExecuteAsync(body.RefreshToken, context.ClientAddress(), cancellationToken))
                .ToHttp(context, pair => TypedResults.Ok(TokenResponse.From(pair))))
            .RequireRateLimiting(RateLimits.AuthPolicy)
            .WithName("RefreshSession")
            .WithSummary("Trades a refresh token for a new pair; the old refresh token is spent.")
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapDelete("/current", async (ClaimsPrincipal user, SignOut useCase, HttpContext context, CancellationToken cancellationToken) =>
                (await useCase.ExecuteAsync(user.Account(), context.ClientAddress(), cancellationToken))
                .ToHttp(context, _ => TypedResults.NoContent()))
            .RequireAuthorization()
            .WithName("SignOut")
            .WithSummary("Ends the current session: its refresh tokens and access tokens stop working.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        return routes;
    }
}

internal sealed record SignInBody(string? Login, string? Password);

internal sealed record RefreshBody(string? RefreshToken);

internal sealed record TokenResponse(string AccessToken, string RefreshToken, string TokenType, int ExpiresIn)
{
    public static TokenResponse From(TokenPair pair) => new(pair.AccessToken, pair.RefreshToken, "Bearer", pair.ExpiresIn);
}
