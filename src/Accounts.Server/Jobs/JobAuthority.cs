using Accounts.Core.Services;
using Accounts.Core.Sessions;

namespace Accounts.Server.Jobs;

/// <summary>Who a job acts for, once its token is checked.</summary>
/// <param name="Principal">The account's principal; null when a job token of the HTTP door admitted the job (no session).</param>
internal sealed record JobCaller(AccountPrincipal? Principal);

/// <summary>
/// Decides whether a job's <c>Token</c> may act for the job's <c>Id</c>: an Accounts access token (live session,
/// subject = Id), a job token from <c>POST /v1/jobs</c> (queue and Id as issued), or, when the operator set its
/// secret, the original gateway's token (Id = the job's). A token never acts for another id than the one it names.
/// </summary>
internal sealed class JobAuthority(VerifyToken verifyToken, JobTokens jobTokens, LegacyGatewayTokens legacyTokens)
{
    public async Task<JobCaller?> AuthorizeAsync(string queue, string userId, string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        if (JobTokens.LooksLikeOne(token))
        {
            return jobTokens.IsValid(token, queue, userId) ? new JobCaller(null) : null;
        }

        if (legacyTokens.Enabled && legacyTokens.IsValid(token, userId))
        {
            return new JobCaller(AccountPrincipal.VouchedByGateway(userId));
        }

        var status = await verifyToken.ExecuteAsync(token, cancellationToken);
        return status.Principal is { } principal && string.Equals(principal.UserId, userId, StringComparison.Ordinal)
            ? new JobCaller(principal)
            : null;
    }
}
