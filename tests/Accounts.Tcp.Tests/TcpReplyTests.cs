using System.Text;
using Accounts.Core.Errors;
using Accounts.Core.Services;
using Accounts.Core.Sessions;
using Accounts.Tcp.Contracts;

namespace Accounts.Tcp.Tests;

public sealed class TcpReplyTests
{
    [Theory]
    [InlineData(ErrorKind.Validation, TcpStatus.BadRequest)]
    [InlineData(ErrorKind.Unauthorized, TcpStatus.Unauthorized)]
    [InlineData(ErrorKind.Forbidden, TcpStatus.Forbidden)]
    [InlineData(ErrorKind.Locked, TcpStatus.Forbidden)]
    [InlineData(ErrorKind.NotFound, TcpStatus.NotFound)]
    [InlineData(ErrorKind.Conflict, TcpStatus.Conflict)]
    [InlineData(ErrorKind.RateLimited, TcpStatus.RateLimited)]
    [InlineData(ErrorKind.Unavailable, TcpStatus.Unavailable)]
    public void EachErrorKindHasItsStatus(ErrorKind kind, TcpStatus status) => kind.ToTcpStatus().ShouldBe(status);

    [Fact]
    public void EveryErrorKindIsMapped() =>
        Enum.GetValues<ErrorKind>().ShouldAllBe(kind => kind.ToTcpStatus() != TcpStatus.Internal && kind.ToTcpStatus() != TcpStatus.Ok);

    [Fact]
    public void AnErrorCarriesCodeAndMessage()
    {
        var reply = TcpReply.Error(TcpStatus.NotFound, "user_not_found", "The user does not exist.");

        reply.Status.ShouldBe(TcpStatus.NotFound);
        Text(reply).ShouldBe("""{"error":"user_not_found","message":"The user does not exist."}""");
    }

    [Fact]
    public void AUseCaseErrorKeepsFieldAndRetryAfterInWholeSeconds()
    {
        Text(TcpReply.FromError(AccountErrors.WrongPassword)).ShouldBe("""{"error":"wrong_password","message":"The password is incorrect.","field":"password"}""");
        var locked = TcpReply.FromError(AccountErrors.AccountLocked(TimeSpan.FromMilliseconds(200)));
        locked.Status.ShouldBe(TcpStatus.Forbidden);
        Text(locked).ShouldEndWith("\"retryAfter\":1}");
    }

    [Fact]
    public void AnErrorCannotHaveStatusOk() =>
        Should.Throw<ArgumentOutOfRangeException>(() => TcpReply.Error(TcpStatus.Ok, "x", "y"));

    [Fact]
    public void OkSerializesCamelCaseAndNothingAsAnEmptyObject()
    {
        Text(TcpReply.Ok(new TokenPairReply("a", "r", 900))).ShouldBe("""{"accessToken":"a","refreshToken":"r","expiresIn":900}""");
        Text(TcpReply.Ok(null)).ShouldBe("{}");
        Text(TcpReply.Ok()).ShouldBe("{}");
        TcpReply.Ok().Status.ShouldBe(TcpStatus.Ok);
    }

    [Fact]
    public void AResultBecomesTheValueOrTheError()
    {
        var pair = new TokenPair("a", "r", DateTimeOffset.UnixEpoch, 900);

        Text(TcpReply.From(Result<TokenPair>.Success(pair), TokenPairReply.From)).ShouldBe("""{"accessToken":"a","refreshToken":"r","expiresIn":900}""");
        var failed = TcpReply.From(Result<TokenPair>.Failure(AccountErrors.InvalidCredentials), TokenPairReply.From);
        failed.Status.ShouldBe(TcpStatus.Unauthorized);
        Text(failed).ShouldContain("\"error\":\"invalid_credentials\"");
    }

    [Fact]
    public void TheContractsSerializeAsDocumented()
    {
        Text(TcpReply.Ok(new RegistrationPendingReply("v1", DateTimeOffset.UnixEpoch)))
            .ShouldBe("""{"verificationId":"v1","expiresAt":"1970-01-01T00:00:00+00:00","status":"pending"}""");
        Text(TcpReply.Ok(TokenStatusReply.From(new TokenStatus(true, "u1", DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), "s1"))))
            .ShouldBe("""{"active":true,"sub":"u1","exp":1800000000}""");
        Text(TcpReply.Ok(TokenStatusReply.From(TokenStatus.Inactive))).ShouldBe("""{"active":false}""");
        Text(TcpReply.Ok(new PongReply(1234))).ShouldBe("""{"pong":1234}""");
    }

    [Fact]
    public void RequestsAreReadCaseInsensitivelyWithMissingMembersNull()
    {
        var request = TcpJson.Deserialize<UpdateUserRequest>("""{"token":"t","DisplayName":"Ada"}"""u8.ToArray());

        request.ShouldBe(new UpdateUserRequest("t", DisplayName: "Ada"));
    }

    private static string Text(TcpReply reply) => Encoding.UTF8.GetString(reply.Payload.Span);
}
