using System.Security.Claims;
using Accounts.Core.Services;

namespace Accounts.Server.Http;

internal static class HttpContextExtensions
{
    /// <summary>The client's address as seen after forwarded headers (when trusted) are applied.</summary>
    public static string? ClientAddress(this HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    /// <summary>The token of an <c>Authorization: Bearer &lt;token&gt;</c> header; null without one, or with another scheme.</summary>
    public static string? BearerToken(this HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        return header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    /// <summary>
    /// The 401 of an authentication handler: <c>WWW-Authenticate: Bearer</c> (with <c>error="invalid_token"</c> when a
    /// credential was refused) and a ProblemDetails for clients that accept one.
    /// </summary>
    public static Task WriteChallengeAsync(this HttpContext context, IProblemDetailsService problems, Exception? failure, string missingDetail)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        var code = failure is null ? "unauthorized" : Accounts.Core.Errors.AccountErrors.InvalidToken.Code;
        // A client that accepts no JSON (an EventSource asks for text/event-stream) gets the status and header alone.
        return problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Authentication failed.",
                Type = Problems.TypeOf(code),
                Detail = failure?.Message ?? missingDetail,
                Extensions = { ["code"] = code },
            },
        }).AsTask();
    }

    /// <summary>The principal the bearer handler established; endpoints that call this require authorization.</summary>
    public static AccountPrincipal Account(this ClaimsPrincipal user) =>
        new(user.FindFirstValue(BearerTokenHandler.SubjectClaim) ?? throw new InvalidOperationException("The request is not authenticated."),
            user.FindFirstValue(BearerTokenHandler.SessionClaim) ?? throw new InvalidOperationException("The request is not authenticated."));
}
