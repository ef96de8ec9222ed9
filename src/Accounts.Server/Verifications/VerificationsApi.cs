using Accounts.Core.Verification;
using Accounts.Server.Http;

namespace Accounts.Server.Verifications;

internal static class VerificationsApi
{
    public static IEndpointRouteBuilder MapVerificationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/verifications").WithTags("Verifications").RequireRateLimiting(RateLimits.AuthPolicy);

        group.MapPost("/", async (VerificationBody body, RequestVerificationCode useCase, HttpContext context, CancellationToken cancellationToken) =>
                (await useCase.ExecuteAsync(new VerificationRequest(body.Channel, body.Destination, body.Purpose, context.ClientAddress()), cancellationToken))
                    .ToHttp(context, ticket => TypedResults.Accepted((string?)null, new VerificationAccepted(ticket.VerificationId, ticket.ExpiresAt))))
            .WithName("RequestVerificationCode")
            .WithSummary("Sends a 6-digit code to an email address or phone (purpose register or change-contact).")
            .Produces<VerificationAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        return routes;
    }
}

internal sealed record VerificationBody(string? Channel, string? Destination, string? Purpose);

internal sealed record VerificationAccepted(string VerificationId, DateTimeOffset ExpiresAt);
