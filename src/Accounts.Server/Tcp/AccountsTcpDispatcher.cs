using Accounts.Core.Errors;
using Accounts.Core.Profiles;
using Accounts.Core.Sessions;
using Accounts.Core.Users;
using Accounts.Tcp;
using Accounts.Tcp.Contracts;

namespace Accounts.Server.Tcp;

/// <summary>
/// The binary TCP front door (seed 004): each frame type calls the same use case as its HTTP route and only
/// translates. Token-bearing requests are authenticated by <see cref="VerifyToken"/>, exactly as bearer tokens are.
/// </summary>
internal sealed class AccountsTcpDispatcher(
    StartRegistration startRegistration,
    CompleteRegistration completeRegistration,
    SignIn signIn,
    VerifyToken verifyToken,
    UpdateProfile updateProfile,
    DeleteAccount deleteAccount,
    RefreshSession refreshSession) : ITcpRequestDispatcher
{
    public async ValueTask<TcpReply> DispatchAsync(TcpRequestType type, ReadOnlyMemory<byte> jsonPayload, TcpConnectionContext context, CancellationToken cancellationToken)
    {
        var client = context.ClientAddress;
        switch (type)
        {
            case TcpRequestType.Register:
                var register = TcpJson.Deserialize<RegisterRequest>(jsonPayload);
                return TcpReply.From(
                    await startRegistration.ExecuteAsync(register.Username, register.Email, register.Password, client, cancellationToken),
                    pending => new RegistrationPendingReply(pending.VerificationId, pending.ExpiresAt));

            case TcpRequestType.VerifyOtp:
                var otp = TcpJson.Deserialize<VerifyOtpRequest>(jsonPayload);
                return TcpReply.From(
                    await completeRegistration.ExecuteAsync(otp.Email, otp.Otp, client, cancellationToken),
                    done => SignUpReply.From(done.Tokens, done.User));

            case TcpRequestType.Login:
                var login = TcpJson.Deserialize<LoginRequest>(jsonPayload);
                return TcpReply.From(await signIn.ExecuteAsync(new SignInRequest(login.Login, login.Password, client), cancellationToken), TokenPairReply.From);

            case TcpRequestType.VerifyToken:
                var check = TcpJson.Deserialize<VerifyTokenRequest>(jsonPayload);
                return TcpReply.Ok(TokenStatusReply.From(await verifyToken.ExecuteAsync(check.Token, cancellationToken)));

            case TcpRequestType.UpdateUser:
                var update = TcpJson.Deserialize<UpdateUserRequest>(jsonPayload);
                if (await AuthenticateAsync(update.Token, cancellationToken) is not { } updater)
                {
                    return TcpReply.FromError(AccountErrors.InvalidToken);
                }

                var changes = new ProfileChanges(update.DisplayName, update.Username, update.Image, update.Email, update.Phone, update.Code, update.Password, update.CurrentPassword);
                return TcpReply.From(await updateProfile.ExecuteAsync(updater, changes, client, cancellationToken), profile => profile);

            case TcpRequestType.DeleteUser:
                var delete = TcpJson.Deserialize<DeleteUserRequest>(jsonPayload);
                if (await AuthenticateAsync(delete.Token, cancellationToken) is not { } deleter)
                {
                    return TcpReply.FromError(AccountErrors.InvalidToken);
                }

                var deleted = await deleteAccount.ExecuteAsync(deleter, delete.Password, client, cancellationToken);
                return deleted.IsSuccess ? TcpReply.Ok() : TcpReply.FromError(deleted.Error!);

            case TcpRequestType.RefreshToken:
                var refresh = TcpJson.Deserialize<RefreshTokenRequest>(jsonPayload);
                return TcpReply.From(await refreshSession.ExecuteAsync(refresh.RefreshToken, client, cancellationToken), TokenPairReply.From);

            default:
                throw new InvalidOperationException($"The connection handler answers request type {type} itself.");
        }
    }

    public bool IsUnavailable(Exception exception) =>
        exception is System.Data.Common.DbException or TimeoutException or Accounts.Redis.RedisConnectionException or System.Net.Mail.SmtpException;

    private async Task<Accounts.Core.Services.AccountPrincipal?> AuthenticateAsync(string? token, CancellationToken cancellationToken) =>
        (await verifyToken.ExecuteAsync(token, cancellationToken)).Principal;
}
