using Accounts.Core.Verification;

namespace Accounts.Storage.Tests;

public abstract partial class StoreContract
{
    protected static VerificationCode NewCode(
        string id,
        CodePurpose purpose = CodePurpose.Register,
        string destination = "dest-index-a",
        DateTimeOffset? createdAt = null) => new()
        {
            Id = id,
            Purpose = purpose,
            Channel = DeliveryChannel.WhatsApp,
            DestinationIndex = destination,
            CodeHash = $"hash-of-{id}",
            CreatedAt = createdAt ?? T0,
            ExpiresAt = (createdAt ?? T0).AddMinutes(10),
        };

    [Fact]
    public async Task IssuedCodeIsFoundLive()
    {
        var code = NewCode("c-1", CodePurpose.ChangeContact);

        await Codes.IssueAsync(code, Ct);

        (await Codes.FindLiveAsync(CodePurpose.ChangeContact, "dest-index-a", T0, Ct)).ShouldBe(code);
        (await Codes.FindLiveAsync(CodePurpose.Register, "dest-index-a", T0, Ct)).ShouldBeNull();
        (await Codes.FindLiveAsync(CodePurpose.ChangeContact, "dest-index-b", T0, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task CodeCarriesItsPayloadBackWhenFoundLive()
    {
        var payload = "v1." + new string('p', 2000);
        var code = NewCode("c-1") with { Payload = payload };

        await Codes.IssueAsync(code, Ct);

        (await Codes.FindLiveAsync(CodePurpose.Register, "dest-index-a", T0, Ct))!.Payload.ShouldBe(payload);
    }

    [Fact]
    public async Task IssueRetiresEarlierCodesOfTheSamePurposeAndDestination()
    {
        await Codes.IssueAsync(NewCode("c-1"), Ct);
        var newer = NewCode("c-2", createdAt: T0.AddMinutes(1));

        await Codes.IssueAsync(newer, Ct);

        (await Codes.FindLiveAsync(CodePurpose.Register, "dest-index-a", T0.AddMinutes(1), Ct)).ShouldBe(newer);
        (await Codes.TryBeginAttemptAsync("c-1", 5, Ct)).ShouldBeFalse();
        (await Codes.TryConsumeAsync("c-1", T0.AddMinutes(1), Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task IssueLeavesCodesOfOtherPurposesAndDestinations()
    {
        var otherPurpose = NewCode("c-1", CodePurpose.PasswordReset);
        var otherDestination = NewCode("c-2", destination: "dest-index-b");
        await Codes.IssueAsync(otherPurpose, Ct);
        await Codes.IssueAsync(otherDestination, Ct);

        await Codes.IssueAsync(NewCode("c-3"), Ct);

        (await Codes.FindLiveAsync(CodePurpose.PasswordReset, "dest-index-a", T0, Ct)).ShouldBe(otherPurpose);
        (await Codes.FindLiveAsync(CodePurpose.Register, "dest-index-b", T0, Ct)).ShouldBe(otherDestination);
        (await Codes.FindLiveAsync(CodePurpose.Register, "dest-index-a", T0, Ct))!.Id.ShouldBe("c-3");
    }

    [Fact]
    public async Task CodeIsLiveUntilTheMillisecondItExpires()
    {
        var code = NewCode("c-1");
        await Codes.IssueAsync(code, Ct);

        (await Codes.FindLiveAsync(CodePurpose.Register, "dest-index-a", code.ExpiresAt.AddMilliseconds(-1), Ct)).ShouldBe(code);
        (await Codes.FindLiveAsync(CodePurpose.Register, "dest-index-a", code.ExpiresAt, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ConsumedCodeIsNotLive()
    {
        await Codes.IssueAsync(NewCode("c-1"), Ct);

        (await Codes.TryConsumeAsync("c-1", T0.AddMinutes(1), Ct)).ShouldBeTrue();

        (await Codes.FindLiveAsync(CodePurpose.Register, "dest-index-a", T0.AddMinutes(1), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task CodeIsConsumedOnce()
    {
        await Codes.IssueAsync(NewCode("c-1"), Ct);

        (await Codes.TryConsumeAsync("c-1", T0, Ct)).ShouldBeTrue();
        (await Codes.TryConsumeAsync("c-1", T0, Ct)).ShouldBeFalse();
        (await Codes.TryConsumeAsync("c-404", T0, Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task ConcurrentConsumptionsOfOneCodeLetExactlyOneWin()
    {
        await Codes.IssueAsync(NewCode("c-1"), Ct);

        var results = await RaceAsync(16, _ => Codes.TryConsumeAsync("c-1", T0, Ct));

        results.Count(r => r).ShouldBe(1);
    }

    [Fact]
    public async Task AttemptsStopAtTheMaximum()
    {
        await Codes.IssueAsync(NewCode("c-1"), Ct);

        for (var i = 0; i < 3; i++)
        {
            (await Codes.TryBeginAttemptAsync("c-1", 3, Ct)).ShouldBeTrue($"attempt {i + 1}");
        }

        (await Codes.TryBeginAttemptAsync("c-1", 3, Ct)).ShouldBeFalse();
        (await Codes.FindLiveAsync(CodePurpose.Register, "dest-index-a", T0, Ct))!.Attempts.ShouldBe(3);
    }

    [Fact]
    public async Task ConcurrentAttemptsNeverExceedTheMaximum()
    {
        await Codes.IssueAsync(NewCode("c-1"), Ct);

        var results = await RaceAsync(40, _ => Codes.TryBeginAttemptAsync("c-1", 5, Ct));

        results.Count(r => r).ShouldBe(5);
        (await Codes.FindLiveAsync(CodePurpose.Register, "dest-index-a", T0, Ct))!.Attempts.ShouldBe(5);
    }

    [Fact]
    public async Task AttemptFailsGivenConsumedOrUnknownCode()
    {
        await Codes.IssueAsync(NewCode("c-1"), Ct);
        await Codes.TryConsumeAsync("c-1", T0, Ct);

        (await Codes.TryBeginAttemptAsync("c-1", 5, Ct)).ShouldBeFalse();
        (await Codes.TryBeginAttemptAsync("c-404", 5, Ct)).ShouldBeFalse();
    }
}
