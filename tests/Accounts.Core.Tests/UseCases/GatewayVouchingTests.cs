using Accounts.Core.Profiles;
using Accounts.Core.Services;
using Accounts.Core.Sessions;
using Accounts.Core.Users;

namespace Accounts.Core.Tests.UseCases;

/// <summary>
/// The original gateway's word (its job tokens, when the operator trusts them) stands in for re-authentication, not
/// for proofs of possession; the by-id forms of sign-in and reset behave like the login forms.
/// </summary>
public sealed class GatewayVouchingTests
{
    private const string NewPassword = "a brand new passphrase";

    [Fact]
    public async Task GatewayMayChangeThePasswordWithoutTheCurrentOne()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var profile = await core.RegisterAsync();

        var result = await core.UpdateProfile.ExecuteAsync(AccountPrincipal.VouchedByGateway(profile.Id), new ProfileChanges(Password: NewPassword), null, ct);

        result.Error.ShouldBeNull();
        (await core.SignIn.ExecuteAsync(new SignInRequest("ada", NewPassword), ct)).IsSuccess.ShouldBeTrue();
        (await core.SignIn.ExecuteAsync(new SignInRequest("ada", CoreHarness.Password), ct)).Error!.Code.ShouldBe("invalid_credentials");
    }

    [Fact]
    public async Task SessionStillNeedsTheCurrentPasswordToChangeIt()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var profile = await core.RegisterAsync();

        var result = await core.UpdateProfile.ExecuteAsync(new AccountPrincipal(profile.Id, "some-session"), new ProfileChanges(Password: NewPassword), null, ct);

        result.Error!.Code.ShouldBe("current_password_required");
    }

    [Fact]
    public async Task GatewayStillNeedsACodeForANewPhone()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var profile = await core.RegisterAsync();

        var result = await core.UpdateProfile.ExecuteAsync(AccountPrincipal.VouchedByGateway(profile.Id), new ProfileChanges(Phone: "+14155550123"), null, ct);

        result.Error!.Code.ShouldBe("code_required");
        (await core.Storage.Users.FindByIdAsync(profile.Id, ct))!.PhoneIndex.ShouldBeNull();
    }

    [Fact]
    public async Task GatewayMayDeleteWithoutThePasswordButAWrongOneStillFails()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var ada = await core.RegisterAsync();
        var bob = await core.RegisterAsync("bob", "bob@example.com");

        (await core.DeleteAccount.ExecuteAsync(AccountPrincipal.VouchedByGateway(bob.Id), "not bob's password", null, ct)).Error!.Code.ShouldBe("wrong_password");
        (await core.DeleteAccount.ExecuteAsync(new AccountPrincipal(ada.Id, "some-session"), null, null, ct)).Error!.Code.ShouldBe("password_required");
        (await core.DeleteAccount.ExecuteAsync(AccountPrincipal.VouchedByGateway(ada.Id), null, null, ct)).IsSuccess.ShouldBeTrue();

        (await core.Storage.Users.FindByIdAsync(ada.Id, ct)).ShouldBeNull();
        (await core.Storage.Users.FindByIdAsync(bob.Id, ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task SignInByIdAnswersUnknownIdsLikeWrongPasswordsAndStartsNoSessionUnlessAsked()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var profile = await core.RegisterAsync();

        (await core.SignIn.ExecuteForIdAsync("nobody", CoreHarness.Password, false, null, ct)).Error!.Code.ShouldBe("invalid_credentials");
        (await core.SignIn.ExecuteForIdAsync(profile.Id, "wrong password here", false, null, ct)).Error!.Code.ShouldBe("invalid_credentials");

        var checkOnly = await core.SignIn.ExecuteForIdAsync(profile.Id, CoreHarness.Password, false, null, ct);
        checkOnly.IsSuccess.ShouldBeTrue();
        checkOnly.Value.ShouldBeNull();

        var withSession = await core.SignIn.ExecuteForIdAsync(profile.Id, CoreHarness.Password, true, null, ct);
        (await core.VerifyToken.ExecuteAsync(withSession.Value!.AccessToken, ct)).Subject.ShouldBe(profile.Id);
    }

    [Fact]
    public async Task SignInByIdCountsTowardTheLockout()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var profile = await core.RegisterAsync();
        for (var i = 0; i < core.LockoutOptions.Threshold; i++)
        {
            await core.SignIn.ExecuteForIdAsync(profile.Id, "wrong password here", false, null, ct);
        }

        (await core.SignIn.ExecuteForIdAsync(profile.Id, CoreHarness.Password, false, null, ct)).Error!.Code.ShouldBe("account_locked");
    }

    [Fact]
    public async Task ResetByIdSendsACodeToTheAccountAndNothingForAnUnknownId()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var profile = await core.RegisterAsync();
        var before = core.Sender.Sent.Count;

        (await core.RequestReset.ExecuteForIdAsync("nobody", null, ct)).IsSuccess.ShouldBeTrue();
        core.Sender.Sent.Count.ShouldBe(before);

        (await core.RequestReset.ExecuteForIdAsync(profile.Id, null, ct)).IsSuccess.ShouldBeTrue();
        core.Sender.Sent.Count.ShouldBe(before + 1);
        core.Sender.Sent[^1].Destination.ShouldBe("ada@example.com");
        core.Sender.Sent[^1].Text.ShouldNotContain(CoreHarness.Password);
    }

    [Fact]
    public void UsernameForAnIdIsAValidStableHandle()
    {
        var handle = Username.ForId("b8a7c0e2-3f5d-4a51-9d8e-1c2b3a4d5e6f");

        Username.Parse(handle).IsSuccess.ShouldBeTrue();
        handle.ShouldBe(Username.ForId("b8a7c0e2-3f5d-4a51-9d8e-1c2b3a4d5e6f"));
        handle.ShouldNotBe(Username.ForId("another-id"));
    }
}

/// <summary>A registration that dies before the account is stored (a worker killed mid-job) can run again with its code.</summary>
public sealed class RegistrationCrashTests
{
    [Fact]
    public async Task RegistrationThatDiesBeforeStoringLeavesTheCodeUsableAndAStoredOneSpendsIt()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await core.RequestCode.ExecuteAsync(new Verification.VerificationRequest("whatsapp", "+14155550123", "register"), ct);
        var code = core.Sender.LatestCode("+14155550123");
        var request = new Registration("ada", CoreHarness.Password, code, Phone: "+14155550123", Id: "ada-id");
        var hasher = core.Hasher;

        core.UseHasher(new DyingHasher());
        await Should.ThrowAsync<OperationCanceledException>(() => core.Register.ExecuteAsync(request, ct));
        (await core.Storage.Users.FindByIdAsync("ada-id", ct)).ShouldBeNull();

        core.UseHasher(hasher);
        (await core.Register.ExecuteAsync(request, ct)).Error.ShouldBeNull();
        (await core.Register.ExecuteAsync(request with { Id = "other-id", Username = "other" }, ct)).Error!.Code.ShouldBe("invalid_code");
    }

    private sealed class DyingHasher : Security.IPasswordHasher
    {
        public Task<string> HashAsync(string password, CancellationToken cancellationToken) => throw new OperationCanceledException("the process died");

        public Task<Security.PasswordVerification> VerifyAsync(string hash, string password, CancellationToken cancellationToken) => throw new OperationCanceledException("the process died");
    }
}

/// <summary>Code requests: kept in the outbox, sent once whatever the bus redelivers; another producer's messages as the original meant them.</summary>
public sealed class CodeDeliveryTests
{
    [Fact]
    public async Task RedeliveredRequestIsNotSentAgain()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var ticket = (await core.RequestCode.ExecuteAsync(new Verification.VerificationRequest("whatsapp", "+14155550123", "register"), ct)).Value;
        core.Sender.Sent.Count.ShouldBe(1);
        var deliver = Deliver(core);

        var again = await deliver.ExecuteAsync(new Verification.CodeRequestMessage(ticket.VerificationId, "bus/0/1", null, "+14155550123"), ct);

        again.Value.AlreadySent.ShouldBeTrue();
        core.Sender.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task ForeignMessageSendsARegistrationCodeByWhatsAppOnceAndRefusesBadPhones()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var deliver = Deliver(core);

        var first = await deliver.ExecuteAsync(new Verification.CodeRequestMessage(null, "Verification/0/7", "ada-id", "+14155550123"), ct);
        var redelivered = await deliver.ExecuteAsync(new Verification.CodeRequestMessage(null, "Verification/0/7", "ada-id", "+14155550123"), ct);

        first.Value.AlreadySent.ShouldBeFalse();
        first.Value.Request.UserId.ShouldBe("ada-id");
        redelivered.Value.AlreadySent.ShouldBeTrue();
        var sent = core.Sender.Sent.ShouldHaveSingleItem();
        sent.Channel.ShouldBe(Verification.DeliveryChannel.WhatsApp);
        sent.Purpose.ShouldBe(Verification.CodePurpose.Register);

        (await deliver.ExecuteAsync(new Verification.CodeRequestMessage(null, "Verification/0/8", "ada-id", "not a phone"), ct)).Error!.Field.ShouldBe("Phone");
        (await deliver.ExecuteAsync(new Verification.CodeRequestMessage("no-such-request", "Verification/0/9", null, null), ct)).Error!.Code.ShouldBe("unknown_request");
        core.Sender.Sent.Count.ShouldBe(1);
    }

    [Fact]
    public async Task FailedSendLeavesTheRequestUnsentForTheNextDelivery()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var deliver = Deliver(core);
        core.Sender.FailWith = new Verification.DeliveryFailedException("provider down", retryable: true);

        await Should.ThrowAsync<Verification.DeliveryFailedException>(() => deliver.ExecuteAsync(new Verification.CodeRequestMessage(null, "Verification/1/1", null, "+14155550123"), ct));
        core.Sender.FailWith = null;
        var retried = await deliver.ExecuteAsync(new Verification.CodeRequestMessage(null, "Verification/1/1", null, "+14155550123"), ct);

        retried.Value.AlreadySent.ShouldBeFalse();
        core.Sender.Sent.ShouldHaveSingleItem();
    }

    private static Verification.DeliverVerificationCode Deliver(CoreHarness core)
    {
        var outbox = core.Storage.CodeRequests(core.Protector);
        var issuer = new Services.CodeIssuer(core.Storage.Codes, outbox, core.Sender, core.Protector, new Throttling.InMemoryRateLimitCounter(core.Clock), core.CodeOptions, core.Clock);
        return new Verification.DeliverVerificationCode(outbox, issuer, core.CodeOptions, core.Clock);
    }
}

/// <summary>The TCP registration counts the sending limits before it spends a password hash.</summary>
public sealed class OtpRegistrationLimitTests
{
    [Fact]
    public async Task RegistrationRefusedByTheSendingLimitCostsNoHash()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var counting = new CountingHasher(core.Hasher);
        core.UseHasher(counting);
        for (var i = 0; i < core.CodeOptions.PerDestinationLimit; i++)
        {
            (await core.StartRegistration.ExecuteAsync("ada", "ada@example.com", CoreHarness.Password, null, ct)).IsSuccess.ShouldBeTrue();
        }

        var hashes = counting.Hashes;
        var refused = await core.StartRegistration.ExecuteAsync("ada", "ada@example.com", CoreHarness.Password, null, ct);

        refused.Error!.Code.ShouldBe("too_many_codes");
        counting.Hashes.ShouldBe(hashes);
        core.Sender.Sent.Count.ShouldBe(core.CodeOptions.PerDestinationLimit);
    }

    private sealed class CountingHasher(Security.IPasswordHasher inner) : Security.IPasswordHasher
    {
        private int _hashes;

        public int Hashes => Volatile.Read(ref _hashes);

        public Task<string> HashAsync(string password, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _hashes);
            return inner.HashAsync(password, cancellationToken);
        }

        public Task<Security.PasswordVerification> VerifyAsync(string hash, string password, CancellationToken cancellationToken) =>
            inner.VerifyAsync(hash, password, cancellationToken);
    }
}

/// <summary>A registration code asked for a chosen id (the original Verification job) is refused once the id is taken.</summary>
public sealed class RequestForAChosenIdTests
{
    [Fact]
    public async Task CodeForATakenIdIsRefusedAndNothingIsSent()
    {
        await using var core = await CoreHarness.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var ada = await core.RegisterAsync();
        var before = core.Sender.Sent.Count;

        var taken = await core.RequestCode.ExecuteAsync(
            new Verification.VerificationRequest("whatsapp", "+14155550123", "register", Requester: new Services.CodeRequester(ada.Id, "1")), ct);
        var free = await core.RequestCode.ExecuteAsync(
            new Verification.VerificationRequest("whatsapp", "+14155550123", "register", Requester: new Services.CodeRequester("someone-new", "2")), ct);

        taken.Error!.Code.ShouldBe("id_taken");
        free.IsSuccess.ShouldBeTrue();
        core.Sender.Sent.Count.ShouldBe(before + 1);
    }
}
