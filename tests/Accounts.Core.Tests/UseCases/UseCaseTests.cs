using Accounts.Core.Audit;
using Accounts.Core.Profiles;
using Accounts.Core.Security;
using Accounts.Core.Services;
using Accounts.Core.Sessions;
using Accounts.Core.Users;
using Accounts.Core.Verification;
using Accounts.Security;

namespace Accounts.Core.Tests.UseCases;

public sealed class UseCaseTests
{
    [Fact]
    public async Task SignInRehashesWhenTheHashingParametersChange()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var profile = await core.RegisterAsync();
        var before = (await core.Storage.Users.FindByIdAsync(profile.Id, ct))!.PasswordHash;
        before.ShouldContain("m=8192,t=1");

        using var stronger = new Argon2idPasswordHasher(new PasswordHashingOptions { MemoryKiB = 9216, Iterations = 2 });
        core.UseHasher(stronger);
        (await core.SignIn.ExecuteAsync(new SignInRequest("ada", CoreHarness.Password), ct)).IsSuccess.ShouldBeTrue();

        var after = (await core.Storage.Users.FindByIdAsync(profile.Id, ct))!.PasswordHash;
        after.ShouldContain("m=9216,t=2");
        (await stronger.VerifyAsync(after, CoreHarness.Password, ct)).ShouldBe(PasswordVerification.Success);
    }

    [Fact]
    public async Task ConcurrentGuessesNeverGetMoreThanFiveTries()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await core.RequestCode.ExecuteAsync(new VerificationRequest("email", "a@example.com", "register"), ct);
        var code = core.Sender.LatestCode("a@example.com");
        var wrong = Enumerable.Range(0, 1_000_000).Select(n => n.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).Where(c => c != code).Take(30).ToList();

        var results = await Task.WhenAll(wrong.Select(guess => Task.Run(
            () => core.Register.ExecuteAsync(new Registration("ada", CoreHarness.Password, guess, Email: "a@example.com"), ct), ct)));

        results.Count(r => r.Error!.Code == "invalid_code").ShouldBe(core.CodeOptions.MaxAttempts);
        results.Count(r => r.Error!.Code == "code_attempts_exhausted").ShouldBe(30 - core.CodeOptions.MaxAttempts);
        (await core.Register.ExecuteAsync(new Registration("ada", CoreHarness.Password, code, Email: "a@example.com"), ct)).Error!.Code.ShouldBe("code_attempts_exhausted");
    }

    [Fact]
    public async Task CodesAreStoredAsKeyedHashesOnly()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var ticket = (await core.RequestCode.ExecuteAsync(new VerificationRequest("sms", "+14155550123", "register"), ct)).Value;
        var code = core.Sender.LatestCode("+14155550123");

        var stored = await core.Storage.Codes.FindLiveAsync(CodePurpose.Register, core.Protector.Phone("+14155550123"), core.Clock.GetUtcNow(), ct);

        // The ticket names the request; the request, once delivered, is marked sent, and its destination is not in clear.
        (await core.Storage.CodeRequests(core.Protector).FindAsync(ticket.VerificationId, ct))!.SentAt.ShouldNotBeNull();
        stored!.CodeHash.ShouldNotContain(code);
        stored.CodeHash.ShouldBe(core.Protector.Code(stored.Id, code));
        stored.DestinationIndex.ShouldNotContain("4155550123");
    }

    [Fact]
    public async Task RegistrationStoresContactsEncryptedAndFindsThemByIndex()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var profile = await core.RegisterAsync(email: "Ada@Example.com");

        var stored = (await core.Storage.Users.FindByIdAsync(profile.Id, ct))!;

        stored.EmailCipher.ShouldNotBeNull().ShouldNotContain("example");
        core.Protector.Unprotect(stored.EmailCipher!).ShouldBe("ada@example.com");
        (await core.Storage.Users.FindByEmailIndexAsync(core.Protector.Email("ada@example.com"), ct))!.Id.ShouldBe(profile.Id);
        stored.PasswordHash.ShouldStartWith("$argon2id$");
    }

    [Fact]
    public async Task ResetRequestForUnknownLoginSendsNothingAndAnswersTheSame()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await core.RegisterAsync();
        var sent = core.Sender.Sent.Count;

        var unknown = await core.RequestReset.ExecuteAsync("nobody", "203.0.113.9", ct);
        core.Sender.Sent.Count.ShouldBe(sent);
        var known = await core.RequestReset.ExecuteAsync("ada", "203.0.113.9", ct);

        unknown.IsSuccess.ShouldBeTrue();
        known.IsSuccess.ShouldBeTrue();
        core.Sender.Sent.Count.ShouldBe(sent + 1);
        core.Sender.Sent[^1].Purpose.ShouldBe(CodePurpose.PasswordReset);
    }

    [Fact]
    public async Task ResetRequestWhoseDeliveryFailsAnswersTheSameAndIsAudited()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var profile = await core.RegisterAsync();
        core.Sender.FailWith = new IOException("relay down");

        var result = await core.RequestReset.ExecuteAsync("ada", null, ct);

        result.IsSuccess.ShouldBeTrue();
        var events = await core.Storage.Audit.ListAsync(profile.Id, 10, ct);
        events[0].Type.ShouldBe(AuditEvents.PasswordResetRequested);
        events[0].Detail.ShouldBe("delivery failed: IOException");
    }

    [Fact]
    public async Task ResetRequestsOverTheSendingLimitStillAnswerTheSame()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await core.RegisterAsync();

        for (var i = 0; i < core.CodeOptions.PerDestinationLimit + 3; i++)
        {
            (await core.RequestReset.ExecuteAsync("ada", null, ct)).IsSuccess.ShouldBeTrue();
        }

        core.Sender.Sent.Count(m => m.Purpose == CodePurpose.PasswordReset).ShouldBe(core.CodeOptions.PerDestinationLimit - 1);
    }

    [Fact]
    public async Task CodeSendingIsLimitedPerClientAddressAcrossDestinations()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        core.CodeOptions.PerAddressLimit = 3;

        for (var i = 0; i < 3; i++)
        {
            (await core.RequestCode.ExecuteAsync(new VerificationRequest("email", $"user{i}@example.com", "register", "198.51.100.7"), ct)).IsSuccess.ShouldBeTrue();
        }

        var refused = await core.RequestCode.ExecuteAsync(new VerificationRequest("email", "user9@example.com", "register", "198.51.100.7"), ct);
        var otherAddress = await core.RequestCode.ExecuteAsync(new VerificationRequest("email", "user9@example.com", "register", "198.51.100.8"), ct);

        refused.Error!.Code.ShouldBe("too_many_codes");
        refused.Error.RetryAfter.ShouldNotBeNull();
        otherAddress.IsSuccess.ShouldBeTrue();
        core.Sender.Sent.Count.ShouldBe(4);
    }

    [Fact]
    public async Task WrongCurrentPasswordsCountTowardTheSignInLockout()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var profile = await core.RegisterAsync();
        var pair = (await core.SignIn.ExecuteAsync(new SignInRequest("ada", CoreHarness.Password), ct)).Value;
        var principal = (await core.VerifyToken.ExecuteAsync(pair.AccessToken, ct)).Principal!;

        for (var i = 0; i < core.LockoutOptions.Threshold - 1; i++)
        {
            (await core.UpdateProfile.ExecuteAsync(principal, new ProfileChanges(Password: "new passphrase here", CurrentPassword: "guess " + i), null, ct))
                .Error!.Code.ShouldBe("wrong_password");
        }

        (await core.SignIn.ExecuteAsync(new SignInRequest("ada", "last guess"), ct)).Error!.Code.ShouldBe("account_locked");
        var events = await core.Storage.Audit.ListAsync(profile.Id, 50, ct);
        events.Count(e => e.Type == AuditEvents.SignInFailed).ShouldBe(core.LockoutOptions.Threshold);
        events.ShouldContain(e => e.Type == AuditEvents.Locked);
    }

    [Fact]
    public async Task ConfirmedResetLiftsTheLockout()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await core.RegisterAsync();
        for (var i = 0; i < core.LockoutOptions.Threshold; i++)
        {
            await core.SignIn.ExecuteAsync(new SignInRequest("ada", "wrong password"), ct);
        }

        await core.RequestReset.ExecuteAsync("ada@example.com", null, ct);
        var code = core.Sender.LatestCode("ada@example.com");
        (await core.ConfirmReset.ExecuteAsync("ada@example.com", code, "a fresh start at last", null, ct)).IsSuccess.ShouldBeTrue();

        (await core.SignIn.ExecuteAsync(new SignInRequest("ada", "a fresh start at last"), ct)).IsSuccess.ShouldBeTrue();
    }

    [Fact]
    public async Task TokenOfAnotherSubjectsSessionIsRefused()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await core.RegisterAsync();
        var bob = await core.RegisterAsync("bob", "bob@example.com");
        var adaPair = (await core.SignIn.ExecuteAsync(new SignInRequest("ada", CoreHarness.Password), ct)).Value;
        var adaSession = (await core.VerifyToken.ExecuteAsync(adaPair.AccessToken, ct)).SessionId!;

        // A correctly signed token that claims Bob but names Ada's session must not act for anyone.
        var forged = core.Tokens.Issue(bob.Id, adaSession, core.Clock.GetUtcNow());

        (await core.VerifyToken.ExecuteAsync(forged.Token, ct)).Active.ShouldBeFalse();
    }

    [Fact]
    public async Task AuditHoldsNoPersonalData()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await core.RegisterAsync(email: "secret.person@example.com");
        await core.SignIn.ExecuteAsync(new SignInRequest("secret.person@example.com", "wrong password"), ct);
        await core.SignIn.ExecuteAsync(new SignInRequest("unknown@example.com", "wrong password"), ct);
        await core.RequestReset.ExecuteAsync("secret.person@example.com", null, ct);

        var events = await core.Storage.Audit.ListAsync(null, 100, ct);

        events.Count.ShouldBeGreaterThanOrEqualTo(4);
        foreach (var e in events)
        {
            $"{e.Type} {e.UserId} {e.Detail}".ShouldNotContain("@example.com");
            $"{e.Detail}".ShouldNotContain(CoreHarness.Password);
        }
    }
}
