using Accounts.Core.Errors;
using Accounts.Core.Services;
using Accounts.Core.Users;

namespace Accounts.Core.Verification;

/// <param name="Requester">The account and job a queue's request comes from: they are told when the code is sent.</param>
public sealed record VerificationRequest(string? Channel, string? Destination, string? Purpose, string? ClientAddress = null, CodeRequester? Requester = null);

/// <summary>
/// Sends a 6-digit code to an email address or phone, to prove it belongs to the person at hand: before
/// registering (purpose <c>register</c>) or before a profile takes a new contact (<c>change-contact</c>).
/// Password reset codes are sent only by <see cref="Recovery.RequestPasswordReset"/>.
/// </summary>
public sealed class RequestVerificationCode(CodeIssuer issuer, IUserStore users, CodeOptions options)
{
    public async Task<Result<VerificationTicket>> ExecuteAsync(VerificationRequest request, CancellationToken cancellationToken)
    {
        if (DeliveryChannels.FromWire(request.Channel) is not { } channel)
        {
            return AccountErrors.Invalid("channel", "invalid_channel", "The channel must be \"email\", \"whatsapp\" or \"sms\".");
        }

        if (CodePurposes.FromWire(request.Purpose ?? "register") is not { } purpose || purpose == CodePurpose.PasswordReset)
        {
            return AccountErrors.Invalid("purpose", "invalid_purpose", "The purpose must be \"register\" or \"change-contact\".");
        }

        var destination = channel == DeliveryChannel.Email
            ? EmailAddress.Parse(request.Destination)
            : PhoneNumber.Parse(request.Destination, "destination");
        if (!destination.IsSuccess)
        {
            return destination.Error! with { Field = "destination" };
        }

        // A registration code asked for a chosen account id (the original Verification job) is useless once the id is taken.
        if (request.Requester is { } requester && purpose == CodePurpose.Register && await users.FindByIdAsync(requester.UserId, cancellationToken) is not null)
        {
            return AccountErrors.IdTaken;
        }

        return await issuer.IssueAsync(purpose, channel, destination.Value, request.ClientAddress, options.Lifetime, null, request.Requester, cancellationToken);
    }
}
