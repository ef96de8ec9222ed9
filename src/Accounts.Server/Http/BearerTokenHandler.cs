using System.Security.Claims;
using System.Text.Encodings.Web;
using Accounts.Core.Errors;
using Accounts.Core.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Accounts.Server.Http;

/// <summary>
/// Bearer authentication through the <see cref="VerifyToken"/> use case, so HTTP accepts exactly the tokens every
/// other door accepts: signature, lifetime, and a live session of the subject the token claims.
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    VerifyToken verifyToken,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    public const string SubjectClaim = "sub";
    public const string SessionClaim = "sid";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.BearerToken() is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        var status = await verifyToken.ExecuteAsync(token, Context.RequestAborted);
        if (status.Principal is not { } principal)
        {
            return AuthenticateResult.Fail("The token is invalid, expired or revoked.");
        }

        var identity = new ClaimsIdentity([new Claim(SubjectClaim, principal.UserId), new Claim(SessionClaim, status.SessionId!)], SchemeName, SubjectClaim, null);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties) =>
        await Context.WriteChallengeAsync(problems, (await HandleAuthenticateOnceSafeAsync()).Failure, "A bearer access token is required.");
}
