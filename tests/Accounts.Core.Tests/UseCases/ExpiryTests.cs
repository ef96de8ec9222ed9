using Accounts.Core.Security;
using Accounts.Core.Sessions;
using Accounts.Core.Users;
using Accounts.Core.Verification;

namespace Accounts.Core.Tests.UseCases;

/// <summary>Every lifetime ends exactly when it says, to the second, on the injected clock.</summary>
public sealed class ExpiryTests
{
    [Fact]
    public async Task CodeWorksOneSecondBeforeItsLifetimeEndsAndNotAtTheEnd()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await core.RequestCode.ExecuteAsync(new VerificationRequest("email", "a@example.com", "register"), ct);
        await core.RequestCode.ExecuteAsync(new VerificationRequest("email", "b@example.com", "register"), ct);
        var codeA = core.Sender.LatestCode("a@example.com");
        var codeB = core.Sender.LatestCode("b@example.com");

        core.Clock.Advance(core.CodeOptions.Lifetime - TimeSpan.FromSeconds(1));
        (await core.Register.ExecuteAsync(new Registration("ada", CoreHarness.Password, codeA, Email: "a@example.com"), ct)).IsSuccess.ShouldBeTrue();

        core.Clock.Advance(TimeSpan.FromSeconds(1));
        (await core.Register.ExecuteAsync(new Registration("bob", CoreHarness.Password, codeB, Email: "b@example.com"), ct)).Error!.Code.ShouldBe("invalid_code");
    }

    [Fact]
    public async Task LockoutEndsExactlyAfterItsDuration()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await core.RegisterAsync();
        for (var i = 0; i < core.LockoutOptions.Threshold; i++)
        {
            await core.SignIn.ExecuteAsync(new SignInRequest("ada", "wrong password"), ct);
        }

        core.Clock.Advance(core.LockoutOptions.Duration - TimeSpan.FromSeconds(1));
        var locked = await core.SignIn.ExecuteAsync(new SignInRequest("ada", CoreHarness.Password), ct);
        locked.Error!.Code.ShouldBe("account_locked");
        locked.Error.RetryAfter.ShouldBe(TimeSpan.FromSeconds(1));

        core.Clock.Advance(TimeSpan.FromSeconds(1));
        (await core.SignIn.ExecuteAsync(new SignInRequest("ada", CoreHarness.Password), ct)).IsSuccess.ShouldBeTrue();
    }

    [Fact]
    public async Task AccessTokenIsActiveUntilTheSecondItExpires()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await core.RegisterAsync();
        var pair = (await core.SignIn.ExecuteAsync(new SignInRequest("ada", CoreHarness.Password), ct)).Value;

        core.Clock.SetUtcNow(pair.ExpiresAt - TimeSpan.FromSeconds(1));
        (await core.VerifyToken.ExecuteAsync(pair.AccessToken, ct)).Active.ShouldBeTrue();

        core.Clock.SetUtcNow(pair.ExpiresAt);
        (await core.VerifyToken.ExecuteAsync(pair.AccessToken, ct)).Active.ShouldBeFalse();
    }

    [Fact]
    public async Task RefreshTokenExpiresAfterItsLifetimeAndSessionsEndAtTheirLimit()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await core.RegisterAsync();
        var start = core.Clock.GetUtcNow();
        var pair = (await core.SignIn.ExecuteAsync(new SignInRequest("ada", CoreHarness.Password), ct)).Value;

        core.Clock.Advance(core.TokenOptions.RefreshTokenLifetime);
        (await core.Refresh.ExecuteAsync(pair.RefreshToken, null, ct)).Error!.Code.ShouldBe("invalid_refresh_token");

        // A session refreshed every 13 days still ends at its absolute lifetime (30 days).
        pair = (await core.SignIn.ExecuteAsync(new SignInRequest("ada", CoreHarness.Password), ct)).Value;
        var signedInAt = core.Clock.GetUtcNow();
        core.Clock.Advance(TimeSpan.FromDays(13));
        pair = (await core.Refresh.ExecuteAsync(pair.RefreshToken, null, ct)).Value;
        core.Clock.Advance(TimeSpan.FromDays(13));
        pair = (await core.Refresh.ExecuteAsync(pair.RefreshToken, null, ct)).Value;
        core.Clock.SetUtcNow(signedInAt + core.TokenOptions.SessionLifetime - TimeSpan.FromSeconds(1));
        pair = (await core.Refresh.ExecuteAsync(pair.RefreshToken, null, ct)).Value;
        core.Clock.SetUtcNow(signedInAt + core.TokenOptions.SessionLifetime);
        (await core.Refresh.ExecuteAsync(pair.RefreshToken, null, ct)).Error!.Code.ShouldBe("invalid_refresh_token");
        start.ShouldBeLessThan(signedInAt);
    }
}
