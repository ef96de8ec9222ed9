using System.Text.Encodings.Web;
using Accounts.Core.Errors;
using Accounts.Core.Sessions;
using Accounts.Notifications;
using Accounts.Server.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Accounts.Server.Notifications;

/// <summary>
/// Authentication of the notifications hub, its only door: an Accounts access token (checked by
/// <see cref="VerifyToken"/>, as every door checks it) makes the connection its user's; a job ticket makes it that
/// one job's. There is nothing else: a request with neither is refused with 401 before SignalR sees it.
/// <para>
/// A ticket is good once, but a SignalR connection is several requests that all present it: the negotiation
/// (POST), the request that opens the transport (GET, or CONNECT for WebSockets over HTTP/2) and, with Server-Sent
/// Events, the client's messages (POST). The opening request redeems the ticket, and the connection gets its scope
/// from that request alone; the POSTs only need a well-formed ticket, as they can neither open a connection nor
/// read one. Long polling, where every poll is a GET that would need the spent ticket again, is not offered.
/// </para>
/// </summary>
internal sealed class NotificationsAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    VerifyToken verifyToken,
    IJobTickets tickets,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Notifications";
    public const string PolicyName = "Notifications";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (HubCredential.Read(Request) is not { } credential)
        {
            return AuthenticateResult.NoResult();
        }

        if (credential.StartsWith(JobTicket.Prefix, StringComparison.Ordinal))
        {
            return await AuthenticateTicketAsync(credential);
        }

        var status = await verifyToken.ExecuteAsync(credential, Context.RequestAborted);
        if (status is not { Active: true, Subject: { } subject })
        {
            return AuthenticateResult.Fail("The access token is invalid, expired or revoked.");
        }

        // With CloseOnAuthenticationExpiration, SignalR closes the connection when the token expires.
        var properties = new AuthenticationProperties { ExpiresUtc = status.ExpiresAt };
        return AuthenticateResult.Success(new AuthenticationTicket(HubListener.ForUser(subject), properties, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties) =>
        await Context.WriteChallengeAsync(
            problems,
            (await HandleAuthenticateOnceSafeAsync()).Failure,
            "An access token or a job ticket is required (Authorization: Bearer, or access_token in the query).");

    private async Task<AuthenticateResult> AuthenticateTicketAsync(string ticket)
    {
        if (!JobTicket.IsWellFormed(ticket))
        {
            return AuthenticateResult.Fail("The job ticket is malformed.");
        }

        if (HttpMethods.IsPost(Request.Method))
        {
            return AuthenticateResult.Success(new AuthenticationTicket(HubListener.TicketHolder(), SchemeName));
        }

        if (!HttpMethods.IsGet(Request.Method) && !HttpMethods.IsConnect(Request.Method))
        {
            return AuthenticateResult.Fail("A job ticket opens a WebSocket or Server-Sent Events connection only.");
        }

        return await tickets.RedeemAsync(ticket, Context.RequestAborted) is { } scope
            ? AuthenticateResult.Success(new AuthenticationTicket(HubListener.ForJob(scope), SchemeName))
            : AuthenticateResult.Fail("The job ticket is unknown, spent or expired.");
    }
}
