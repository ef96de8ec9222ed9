using System.Security.Claims;
using Accounts.Core.Profiles;
using Accounts.Core.Users;
using Accounts.Server.Http;
using Microsoft.AspNetCore.Mvc;

namespace Accounts.Server.Users;

internal static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/users").WithTags("Users");

        group.MapPost("/", async (RegistrationBody body, RegisterUser useCase, HttpContext context, CancellationToken cancellationToken) =>
                (await useCase.ExecuteAsync(
                    new Registration(body.Username, body.Password, body.Code, body.Email, body.Phone, body.DisplayName, body.Image, body.Id, context.ClientAddress()),
                    cancellationToken))
                .ToHttp(context, profile => TypedResults.Created("/v1/users/me", profile)))
            .RequireRateLimiting(RateLimits.AuthPolicy)
            .WithName("RegisterUser")
            .WithSummary("Creates an account; the code must be a live register code sent to the given email or phone.")
            .Produces<UserProfile>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var me = group.MapGroup("/me").RequireAuthorization();

        me.MapGet("/", async (ClaimsPrincipal user, ReadProfile useCase, HttpContext context, CancellationToken cancellationToken) =>
                (await useCase.ExecuteAsync(user.Account().UserId, cancellationToken)).ToHttp(context, TypedResults.Ok))
            .WithName("ReadProfile")
            .Produces<UserProfile>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        me.MapPatch("/", async (ProfileBody body, ClaimsPrincipal user, UpdateProfile useCase, HttpContext context, CancellationToken cancellationToken) =>
                (await useCase.ExecuteAsync(
                    user.Account(),
                    new ProfileChanges(body.DisplayName, body.Username, body.Image, body.Email, body.Phone, body.Code, body.Password, body.CurrentPassword),
                    context.ClientAddress(),
                    cancellationToken))
                .ToHttp(context, TypedResults.Ok))
            .RequireRateLimiting(RateLimits.AuthPolicy)
            .WithName("UpdateProfile")
            .WithSummary("Changes the profile; a new email or phone needs a change-contact code, a new password the current one.")
            .Produces<UserProfile>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);

        me.MapDelete("/", async ([FromBody] DeletionBody body, ClaimsPrincipal user, DeleteAccount useCase, HttpContext context, CancellationToken cancellationToken) =>
                (await useCase.ExecuteAsync(user.Account(), body.Password, context.ClientAddress(), cancellationToken))
                .ToHttp(context, _ => TypedResults.NoContent()))
            .RequireRateLimiting(RateLimits.AuthPolicy)
            .WithName("DeleteAccount")
            .WithSummary("Deletes the account after checking the password; every token of the user stops working.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        return routes;
    }
}

internal sealed record RegistrationBody(
    string? Username,
    string? Password,
    string? Code,
    string? Email,
    string? Phone,
    string? DisplayName,
    string? Image,
    string? Id);

internal sealed record ProfileBody(
    string? DisplayName,
    string? Username,
    string? Image,
    string? Email,
    string? Phone,
    string? Code,
    string? Password,
    string? CurrentPassword);

internal sealed record DeletionBody(string? Password);
