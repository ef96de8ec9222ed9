using Accounts.Core.Users;
using Accounts.Core.Verification;

namespace Accounts.Core.Tests.UseCases;

public sealed class OtpRegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EmailedOtpCreatesTheAccountAndSignsItIn()
    {
        await using var core = await CoreHarness.StartAsync();

        var pending = await core.StartRegistration.ExecuteAsync("ada", "Ada@Example.com", CoreHarness.Password, null, Ct);
        pending.Value.VerificationId.ShouldNotBeNullOrEmpty();
        pending.Value.ExpiresAt.ShouldBe(core.Clock.GetUtcNow() + TimeSpan.FromMinutes(15));
        var sent = core.Sender.Sent.Single();
        sent.Channel.ShouldBe(DeliveryChannel.Email);
        sent.Text.ShouldContain("expires in 15 minutes");

        var done = await core.CompleteRegistration.ExecuteAsync("ada@example.com", core.Sender.LatestCode("ada@example.com"), null, Ct);

        done.Error.ShouldBeNull();
        done.Value.User.Username.ShouldBe("ada");
        done.Value.User.Email.ShouldBe("ada@example.com");
        (await core.VerifyToken.ExecuteAsync(done.Value.Tokens.AccessToken, Ct)).Subject.ShouldBe(done.Value.User.Id);
        (await core.SignIn.ExecuteAsync(new Sessions.SignInRequest("ada", CoreHarness.Password), Ct)).IsSuccess.ShouldBeTrue();
    }

    [Fact]
    public async Task PendingRegistrationNeverHoldsThePasswordInClear()
    {
        await using var core = await CoreHarness.StartAsync();
        await core.StartRegistration.ExecuteAsync("ada", "ada@example.com", CoreHarness.Password, null, Ct);

        var code = await core.Storage.Codes.FindLiveAsync(CodePurpose.Register, core.Protector.ComputeIndex("email", "ada@example.com"), core.Clock.GetUtcNow(), Ct);

        code!.Payload.ShouldNotBeNull();
        code.Payload.ShouldNotContain(CoreHarness.Password);
        code.Payload.ShouldNotContain("ada");
        var inside = core.Protector.Unprotect(code.Payload);
        inside.ShouldNotContain(CoreHarness.Password);
        inside.ShouldContain("$argon2id$");
    }

    [Fact]
    public async Task OtpExpiresAfterFifteenMinutesToTheSecond()
    {
        await using var core = await CoreHarness.StartAsync();
        await core.StartRegistration.ExecuteAsync("ada", "ada@example.com", CoreHarness.Password, null, Ct);
        await core.StartRegistration.ExecuteAsync("bob", "bob@example.com", CoreHarness.Password, null, Ct);
        var (ada, bob) = (core.Sender.LatestCode("ada@example.com"), core.Sender.LatestCode("bob@example.com"));

        core.Clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        (await core.CompleteRegistration.ExecuteAsync("ada@example.com", ada, null, Ct)).IsSuccess.ShouldBeTrue();

        core.Clock.Advance(TimeSpan.FromSeconds(1));
        (await core.CompleteRegistration.ExecuteAsync("bob@example.com", bob, null, Ct)).Error!.Code.ShouldBe("invalid_code");
    }

    [Fact]
    public async Task CodeWithoutPendingRegistrationCannotCompleteOne()
    {
        await using var core = await CoreHarness.StartAsync();
        await core.RequestCode.ExecuteAsync(new VerificationRequest("email", "ada@example.com", "register"), Ct);

        var result = await core.CompleteRegistration.ExecuteAsync("ada@example.com", core.Sender.LatestCode("ada@example.com"), null, Ct);

        result.Error!.Code.ShouldBe("invalid_code");
    }

    [Fact]
    public async Task TakenEmailIsToldOnlyAfterTheOtpProvesIt()
    {
        await using var core = await CoreHarness.StartAsync();
        await core.RegisterAsync("ada", "ada@example.com");

        (await core.StartRegistration.ExecuteAsync("other", "ada@example.com", CoreHarness.Password, null, Ct)).IsSuccess.ShouldBeTrue();
        var wrong = await core.CompleteRegistration.ExecuteAsync("ada@example.com", "000000" == core.Sender.LatestCode("ada@example.com") ? "111111" : "000000", null, Ct);
        var right = await core.CompleteRegistration.ExecuteAsync("ada@example.com", core.Sender.LatestCode("ada@example.com"), null, Ct);

        wrong.Error!.Code.ShouldBe("invalid_code");
        right.Error!.Code.ShouldBe("email_taken");
    }

    [Theory]
    [InlineData("a", "ada@example.com", CoreHarness.Password, "invalid_username")]
    [InlineData("ada", "not-an-email", CoreHarness.Password, "invalid_email")]
    [InlineData("ada", "ada@example.com", "password1", "weak_password")]
    public async Task BadInputSendsNothing(string username, string email, string password, string code)
    {
        await using var core = await CoreHarness.StartAsync();

        (await core.StartRegistration.ExecuteAsync(username, email, password, null, Ct)).Error!.Code.ShouldBe(code);

        core.Sender.Sent.ShouldBeEmpty();
    }
}
