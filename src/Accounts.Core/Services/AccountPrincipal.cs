namespace Accounts.Core.Services;

/// <summary>
/// Who is calling. Usually established by a checked access token: the user and the session the token belongs to.
/// Without a session, the caller is a trusted gateway vouching for the user (<see cref="VouchedByGateway"/>).
/// </summary>
public sealed record AccountPrincipal(string UserId, string? SessionId)
{
    /// <summary>
    /// The original Node gateway's word (its job tokens, accepted only when the operator configures their secret):
    /// the gateway authenticated the user itself, so re-authentication it already did (the current password before a
    /// change or a deletion) is not asked again. Proofs of possession (codes for a new phone or email) still are.
    /// </summary>
    public static AccountPrincipal VouchedByGateway(string userId) => new(userId, null);

    public bool IsVouchedByGateway => SessionId is null;
}
