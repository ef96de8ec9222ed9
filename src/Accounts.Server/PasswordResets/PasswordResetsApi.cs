using Accounts.Core.Recovery;
using Accounts.Server.Http;

namespace Accounts.Server.PasswordResets;

internal static class PasswordResetsApi
{
    public static IEndpointRouteBuilder MapPasswordResetsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/password-resets").WithTags("Password resets").RequireRateLimiting(RateLimits.AuthPolicy);

        group.MapPost("/", async (ResetBody body, RequestPasswordReset useCase, HttpContext context, CancellationToken cancellationToken) =>
                (await useCase.ExecuteAsync(body.Login, context.ClientAddress(), cancellationToken))
                .ToHttp(context, _ => TypedResults.Accepted((string?)null, ResetAccepted.Instance)))
            .WithName("RequestPasswordReset")
            .WithSummary("Sends a reset code to the account's email or phone; answers the same whether or not the account exists.")
            .Produces<ResetAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapPost("/confirm", async (ConfirmBody body, ConfirmPasswordReset useCase, HttpContext context, CancellationToken cancellationToken) =>
                (await useCase.ExecuteAsync(body.Login, body.Code, body.NewPassword, context.ClientAddress(), cancellationToken))
                .ToHttp(context, _ => TypedResults.NoContent()))
            .WithName("ConfirmPasswordReset")
            .WithSummary("Sets a new password with a reset code; every session of the user ends.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest);

        return routes;
    }
}

internal sealed record ResetBody(string? Login);

internal sealed record ConfirmBody(string? Login, string? Code, string? NewPassword);

internal sealed record ResetAccepted(string Message)
{
    public static ResetAccepted Instance { get; } = new("If an account matches, a reset code has been sent to its email or phone.");
}
