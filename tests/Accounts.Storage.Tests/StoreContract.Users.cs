using Accounts.Core.Sessions;
using Accounts.Core.Users;

namespace Accounts.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task CreatedUserIsFoundByIdUsernameEmailIndexAndPhoneIndex()
    {
        var user = NewUser("u-1", "Alice", "email-index-a", "phone-index-a");

        (await Users.CreateAsync(user, Ct)).ShouldBe(UserWriteResult.Success);

        ShouldBeSameUser(await Users.FindByIdAsync("u-1", Ct), user);
        ShouldBeSameUser(await Users.FindByUsernameAsync("alice", Ct), user);
        ShouldBeSameUser(await Users.FindByEmailIndexAsync("email-index-a", Ct), user);
        ShouldBeSameUser(await Users.FindByPhoneIndexAsync("phone-index-a", Ct), user);
    }

    [Fact]
    public async Task FindReturnsNullGivenUnknownKeys()
    {
        await Users.CreateAsync(NewUser("u-1", "alice", "email-index-a", "phone-index-a"), Ct);

        (await Users.FindByIdAsync("u-2", Ct)).ShouldBeNull();
        (await Users.FindByUsernameAsync("bob", Ct)).ShouldBeNull();
        (await Users.FindByEmailIndexAsync("email-index-b", Ct)).ShouldBeNull();
        (await Users.FindByPhoneIndexAsync("phone-index-b", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task FindByUsernameMatchesTheNormalizedUsernameExactly()
    {
        await Users.CreateAsync(NewUser("u-1", "Alice"), Ct);

        // Callers normalize; the store compares as stored, whatever the engine's default collation.
        (await Users.FindByUsernameAsync("ALICE", Ct)).ShouldBeNull();
        (await Users.FindByEmailIndexAsync("ALICE", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task BlindIndexesCompareCaseSensitively()
    {
        // Blind indexes are base64: "Ab" and "aB" are different values, and must not collide or match.
        await Users.CreateAsync(NewUser("u-1", "alice", "IdxAb", "PhAb"), Ct);

        (await Users.CreateAsync(NewUser("u-2", "bob", "idxaB", "phaB"), Ct)).ShouldBe(UserWriteResult.Success);
        (await Users.FindByEmailIndexAsync("idxaB", Ct))!.Id.ShouldBe("u-2");
        (await Users.FindByPhoneIndexAsync("PhAb", Ct))!.Id.ShouldBe("u-1");
    }

    [Fact]
    public async Task UsersWithoutEmailOrPhoneDoNotCollide()
    {
        var first = NewUser("u-1", "alice") with { DisplayName = null, Image = null };

        (await Users.CreateAsync(first, Ct)).ShouldBe(UserWriteResult.Success);
        (await Users.CreateAsync(NewUser("u-2", "bob"), Ct)).ShouldBe(UserWriteResult.Success);
        (await Users.CreateAsync(NewUser("u-3", "carol"), Ct)).ShouldBe(UserWriteResult.Success);

        ShouldBeSameUser(await Users.FindByIdAsync("u-1", Ct), first);
    }

    [Fact]
    public async Task TimesAreKeptToTheMillisecond()
    {
        var user = NewUser("u-1", "alice") with
        {
            CreatedAt = new DateTimeOffset(1999, 12, 31, 23, 59, 59, 999, TimeSpan.FromHours(5)),
            UpdatedAt = new DateTimeOffset(2100, 1, 1, 0, 0, 0, 1, TimeSpan.Zero),
        };

        await Users.CreateAsync(user, Ct);

        var found = await Users.FindByIdAsync("u-1", Ct);
        found!.CreatedAt.ShouldBe(user.CreatedAt);
        found.CreatedAt.Offset.ShouldBe(TimeSpan.Zero);
        found.UpdatedAt.ShouldBe(user.UpdatedAt);
    }

    [Fact]
    public async Task CreateReportsDuplicateIdGivenTakenId()
    {
        await Users.CreateAsync(NewUser("u-1", "alice"), Ct);

        (await Users.CreateAsync(NewUser("u-1", "bob"), Ct)).ShouldBe(UserWriteResult.DuplicateId);
        (await Users.FindByUsernameAsync("bob", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task CreateReportsDuplicateUsernameGivenTakenNormalizedUsername()
    {
        await Users.CreateAsync(NewUser("u-1", "alice"), Ct);

        (await Users.CreateAsync(NewUser("u-2", "ALICE"), Ct)).ShouldBe(UserWriteResult.DuplicateUsername);
        (await Users.FindByIdAsync("u-2", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task CreateReportsDuplicateEmailGivenTakenEmailIndex()
    {
        await Users.CreateAsync(NewUser("u-1", "alice", "email-index-a"), Ct);

        (await Users.CreateAsync(NewUser("u-2", "bob", "email-index-a"), Ct)).ShouldBe(UserWriteResult.DuplicateEmail);
        (await Users.FindByIdAsync("u-2", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task CreateReportsDuplicatePhoneGivenTakenPhoneIndex()
    {
        await Users.CreateAsync(NewUser("u-1", "alice", phoneIndex: "phone-index-a"), Ct);

        (await Users.CreateAsync(NewUser("u-2", "bob", phoneIndex: "phone-index-a"), Ct)).ShouldBe(UserWriteResult.DuplicatePhone);
        (await Users.FindByIdAsync("u-2", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ConcurrentRegistrationsOfOneUsernameCreateOneUserAndOneConflict()
    {
        const int Pairs = 20;

        var results = await RaceAsync(Pairs * 2, i => Users.CreateAsync(
            NewUser($"racer-{i}", i % 2 == 0 ? $"Racer{i / 2}" : $"racer{i / 2}", emailIndex: $"email-{i}"),
            Ct));

        for (var pair = 0; pair < Pairs; pair++)
        {
            var outcomes = new[] { results[pair * 2], results[pair * 2 + 1] };
            outcomes.Count(r => r == UserWriteResult.Success).ShouldBe(1, $"pair {pair}");
            outcomes.Count(r => r == UserWriteResult.DuplicateUsername).ShouldBe(1, $"pair {pair}");

            var winner = results[pair * 2] == UserWriteResult.Success ? pair * 2 : pair * 2 + 1;
            var loser = winner ^ 1;
            (await Users.FindByUsernameAsync($"racer{pair}", Ct))!.Id.ShouldBe($"racer-{winner}");
            (await Users.FindByIdAsync($"racer-{loser}", Ct)).ShouldBeNull();
        }
    }

    [Fact]
    public async Task UpdateReplacesEveryField()
    {
        await Users.CreateAsync(NewUser("u-1", "alice", "email-index-a", "phone-index-a"), Ct);
        var changed = new UserRecord
        {
            Id = "u-1",
            Username = "Alicia",
            NormalizedUsername = "alicia",
            DisplayName = "Alicia B.",
            EmailCipher = "v2.new-email-cipher",
            EmailIndex = "email-index-new",
            PhoneCipher = "v2.new-phone-cipher",
            PhoneIndex = "phone-index-new",
            Image = [0xFF, 0xD8, 0xFF, 0xE0],
            PasswordHash = "$argon2id$new",
            CreatedAt = T0.AddDays(-1),
            UpdatedAt = T0.AddMinutes(5),
        };

        (await Users.UpdateAsync(changed, T0, Ct)).ShouldBe(UserWriteResult.Success);

        ShouldBeSameUser(await Users.FindByIdAsync("u-1", Ct), changed);
        (await Users.FindByUsernameAsync("alice", Ct)).ShouldBeNull();
        (await Users.FindByEmailIndexAsync("email-index-a", Ct)).ShouldBeNull();
        (await Users.FindByPhoneIndexAsync("phone-index-a", Ct)).ShouldBeNull();
        ShouldBeSameUser(await Users.FindByPhoneIndexAsync("phone-index-new", Ct), changed);
    }

    [Fact]
    public async Task UpdateMayClearOptionalFields()
    {
        await Users.CreateAsync(NewUser("u-1", "alice", "email-index-a", "phone-index-a"), Ct);
        var cleared = NewUser("u-1", "alice") with { DisplayName = null, Image = null };

        (await Users.UpdateAsync(cleared, T0, Ct)).ShouldBe(UserWriteResult.Success);

        ShouldBeSameUser(await Users.FindByIdAsync("u-1", Ct), cleared);
        (await Users.FindByEmailIndexAsync("email-index-a", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task UpdateSucceedsGivenUnchangedValues()
    {
        // Some engines count changed rows only: an update that changes nothing still found its user.
        var user = NewUser("u-1", "alice", "email-index-a");
        await Users.CreateAsync(user, Ct);

        (await Users.UpdateAsync(user, T0, Ct)).ShouldBe(UserWriteResult.Success);
    }

    [Fact]
    public async Task UpdateReportsStaleAndChangesNothingWhenTheUserChangedSinceRead()
    {
        var read = NewUser("u-1", "alice");
        await Users.CreateAsync(read, Ct);
        var first = read with { PasswordHash = "$argon2id$first", UpdatedAt = T0.AddSeconds(1) };
        (await Users.UpdateAsync(first, T0, Ct)).ShouldBe(UserWriteResult.Success);

        // A second writer that read the same version must not undo the first one's change.
        var second = read with { DisplayName = "stale", UpdatedAt = T0.AddSeconds(2) };
        (await Users.UpdateAsync(second, T0, Ct)).ShouldBe(UserWriteResult.Stale);

        ShouldBeSameUser(await Users.FindByIdAsync("u-1", Ct), first);
    }

    [Fact]
    public async Task ConcurrentUpdatesOfOneVersionLetExactlyOneThrough()
    {
        var read = NewUser("u-1", "alice");
        await Users.CreateAsync(read, Ct);

        var results = await RaceAsync(8, i => Users.UpdateAsync(read with { DisplayName = $"writer {i}", UpdatedAt = T0.AddSeconds(1 + i) }, T0, Ct));

        results.Count(r => r == UserWriteResult.Success).ShouldBe(1);
        results.Count(r => r == UserWriteResult.Stale).ShouldBe(7);
    }

    [Fact]
    public async Task UpdateReportsNotFoundGivenUnknownId()
    {
        await Users.CreateAsync(NewUser("u-1", "alice"), Ct);

        (await Users.UpdateAsync(NewUser("u-2", "bob"), T0, Ct)).ShouldBe(UserWriteResult.NotFound);
        (await Users.FindByIdAsync("u-2", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task UpdateReportsDuplicateUsernameGivenAnotherUsersUsername()
    {
        await Users.CreateAsync(NewUser("u-1", "alice"), Ct);
        var bob = NewUser("u-2", "bob");
        await Users.CreateAsync(bob, Ct);

        (await Users.UpdateAsync(bob with { Username = "Alice", NormalizedUsername = "alice" }, T0, Ct)).ShouldBe(UserWriteResult.DuplicateUsername);
        ShouldBeSameUser(await Users.FindByIdAsync("u-2", Ct), bob);
    }

    [Fact]
    public async Task UpdateReportsDuplicateEmailGivenAnotherUsersEmailIndex()
    {
        await Users.CreateAsync(NewUser("u-1", "alice", "email-index-a"), Ct);
        var bob = NewUser("u-2", "bob", "email-index-b");
        await Users.CreateAsync(bob, Ct);

        (await Users.UpdateAsync(bob with { EmailIndex = "email-index-a" }, T0, Ct)).ShouldBe(UserWriteResult.DuplicateEmail);
        ShouldBeSameUser(await Users.FindByIdAsync("u-2", Ct), bob);
    }

    [Fact]
    public async Task UpdateReportsDuplicatePhoneGivenAnotherUsersPhoneIndex()
    {
        await Users.CreateAsync(NewUser("u-1", "alice", phoneIndex: "phone-index-a"), Ct);
        var bob = NewUser("u-2", "bob");
        await Users.CreateAsync(bob, Ct);

        (await Users.UpdateAsync(bob with { PhoneIndex = "phone-index-a" }, T0, Ct)).ShouldBe(UserWriteResult.DuplicatePhone);
        ShouldBeSameUser(await Users.FindByIdAsync("u-2", Ct), bob);
    }

    [Fact]
    public async Task DeleteRemovesTheUserWithSessionsRefreshTokensAndLockout()
    {
        await Users.CreateAsync(NewUser("u-1", "alice"), Ct);
        await Users.CreateAsync(NewUser("u-2", "bob"), Ct);
        await Sessions.CreateAsync(NewSession("s-1", "u-1"), NewToken("t-1", "s-1"), Ct);
        await Sessions.TryRotateAsync("t-1", NewToken("t-2", "s-1"), T0, Ct);
        await Sessions.CreateAsync(NewSession("s-2", "u-1"), NewToken("t-3", "s-2"), Ct);
        await Sessions.CreateAsync(NewSession("s-3", "u-2"), NewToken("t-4", "s-3"), Ct);
        await Lockouts.RecordFailureAsync("u-1", 10, TimeSpan.FromMinutes(15), T0, Ct);
        await Lockouts.RecordFailureAsync("u-2", 10, TimeSpan.FromMinutes(15), T0, Ct);

        (await Users.DeleteAsync("u-1", Ct)).ShouldBeTrue();

        (await Users.FindByIdAsync("u-1", Ct)).ShouldBeNull();
        (await Users.FindByUsernameAsync("alice", Ct)).ShouldBeNull();
        (await Sessions.FindSessionAsync("s-1", Ct)).ShouldBeNull();
        (await Sessions.FindSessionAsync("s-2", Ct)).ShouldBeNull();
        foreach (var token in new[] { "t-1", "t-2", "t-3" })
        {
            (await Sessions.FindRefreshTokenAsync(token, Ct)).ShouldBeNull(token);
        }

        if (LockoutsLiveWithUsers)
        {
            (await Lockouts.GetAsync("u-1", Ct)).ShouldBe(LockoutState.None);
        }

        // Nothing of the other user went with it.
        (await Users.FindByIdAsync("u-2", Ct)).ShouldNotBeNull();
        (await Sessions.FindSessionAsync("s-3", Ct)).ShouldNotBeNull();
        (await Sessions.FindRefreshTokenAsync("t-4", Ct)).ShouldNotBeNull();
        (await Lockouts.GetAsync("u-2", Ct)).Failures.ShouldBe(1);
    }

    [Fact]
    public async Task DeleteReturnsFalseGivenUnknownId()
    {
        await Users.CreateAsync(NewUser("u-1", "alice"), Ct);

        (await Users.DeleteAsync("u-2", Ct)).ShouldBeFalse();
        (await Users.DeleteAsync("u-1", Ct)).ShouldBeTrue();
        (await Users.DeleteAsync("u-1", Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task DeletedUsersKeysMayBeTakenAgain()
    {
        await Users.CreateAsync(NewUser("u-1", "alice", "email-index-a", "phone-index-a"), Ct);
        await Users.DeleteAsync("u-1", Ct);

        (await Users.CreateAsync(NewUser("u-1", "alice", "email-index-a", "phone-index-a"), Ct)).ShouldBe(UserWriteResult.Success);
    }
}
