using System.Security.Claims;
using Accounts.Core.Services;

namespace Accounts.Server.Http;

internal static class HttpContextExtensions
{
    /// <summary>The client's address as seen after forwarded headers (when trusted) are applied.</summary>
    public static string? ClientAddress(this HttpContext context) => context.Connection.RemoteIpAddress?.ToString();

    /// <summary>The principal the bearer handler established; endpoints that call this require authorization.</summary>
    public static AccountPrincipal Account(this ClaimsPrincipal user) =>
        new(user.FindFirstValue(BearerTokenHandler.SubjectClaim) ?? throw new InvalidOperationException("The request is not authenticated."),
            user.FindFirstValue(BearerTokenHandler.SessionClaim) ?? throw new InvalidOperationException("The request is not authenticated."));
}
