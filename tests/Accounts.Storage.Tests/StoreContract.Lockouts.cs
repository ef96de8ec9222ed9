using Accounts.Core.Sessions;

namespace Accounts.Storage.Tests;

public abstract partial class StoreContract
{
    private static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task LockoutIsNoneGivenNoFailures()
    {
        (await Lockouts.GetAsync("u-1", Ct)).ShouldBe(LockoutState.None);
    }

    [Fact]
    public async Task FailuresAreCounted()
    {
        (await Lockouts.RecordFailureAsync("u-1", 3, LockDuration, T0, Ct)).ShouldBe(new LockoutState(1, null));
        (await Lockouts.RecordFailureAsync("u-1", 3, LockDuration, T0, Ct)).ShouldBe(new LockoutState(2, null));

        (await Lockouts.GetAsync("u-1", Ct)).ShouldBe(new LockoutState(2, null));
        (await Lockouts.GetAsync("u-2", Ct)).ShouldBe(LockoutState.None);
    }

    [Fact]
    public async Task FailureThatReachesTheThresholdLocksAndStartsTheCountAgain()
    {
        await Lockouts.RecordFailureAsync("u-1", 3, LockDuration, T0, Ct);
        await Lockouts.RecordFailureAsync("u-1", 3, LockDuration, T0.AddSeconds(1), Ct);

        var state = await Lockouts.RecordFailureAsync("u-1", 3, LockDuration, T0.AddSeconds(2), Ct);

        state.ShouldBe(new LockoutState(0, T0.AddSeconds(2) + LockDuration));
        state.IsLocked(T0.AddSeconds(2) + LockDuration - TimeSpan.FromMilliseconds(1)).ShouldBeTrue();
        (await Lockouts.GetAsync("u-1", Ct)).ShouldBe(state);
        (await Lockouts.RecordFailureAsync("u-1", 3, LockDuration, T0.AddHours(1), Ct)).ShouldBe(new LockoutState(1, state.LockedUntil));
    }

    [Fact]
    public async Task ThresholdOfOneLocksAtTheFirstFailure()
    {
        (await Lockouts.RecordFailureAsync("u-1", 1, LockDuration, T0, Ct)).ShouldBe(new LockoutState(0, T0 + LockDuration));
        (await Lockouts.RecordFailureAsync("u-1", 1, LockDuration, T0, Ct)).ShouldBe(new LockoutState(0, T0 + LockDuration));
    }

    [Fact]
    public async Task ResetClearsFailuresAndLock()
    {
        for (var i = 0; i < 4; i++)
        {
            await Lockouts.RecordFailureAsync("u-1", 3, LockDuration, T0, Ct);
        }

        await Lockouts.ResetAsync("u-1", Ct);
        await Lockouts.ResetAsync("u-2", Ct);

        (await Lockouts.GetAsync("u-1", Ct)).ShouldBe(LockoutState.None);
    }

    [Fact]
    public async Task ConcurrentFailuresAreEachCounted()
    {
        // 25 failures, threshold 10: exactly the 10th and the 20th lock, and 5 remain counted.
        var states = await RaceAsync(25, _ => Lockouts.RecordFailureAsync("u-1", 10, LockDuration, T0, Ct));

        var expected = Enumerable.Range(1, 9).Append(0).Concat(Enumerable.Range(1, 9)).Append(0).Concat(Enumerable.Range(1, 5));
        states.Select(s => s.Failures).Order().ShouldBe(expected.Order());
        states.Where(s => s.Failures == 0).ShouldAllBe(s => s.LockedUntil == T0 + LockDuration);
        (await Lockouts.GetAsync("u-1", Ct)).ShouldBe(new LockoutState(5, T0 + LockDuration));
    }
}
