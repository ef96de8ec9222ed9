using Accounts.Core.Sessions;

namespace Accounts.Storage.Tests;

public abstract partial class StoreContract
{
    protected static Session NewSession(string id, string userId) => new(id, userId, T0, T0.AddDays(30));

    protected static RefreshToken NewToken(string hash, string sessionId) => new(hash, sessionId, T0, T0.AddDays(14));

    [Fact]
    public async Task CreatedSessionAndItsFirstTokenAreFound()
    {
        await Users.CreateAsync(NewUser("u-1", "alice"), Ct);
        var session = NewSession("s-1", "u-1");
        var token = NewToken("t-1", "s-1");

        await Sessions.CreateAsync(session, token, Ct);

        (await Sessions.FindSessionAsync("s-1", Ct)).ShouldBe(session);
        (await Sessions.FindRefreshTokenAsync("t-1", Ct)).ShouldBe(token);
    }

    [Fact]
    public async Task FindReturnsNullGivenUnknownSessionOrToken()
    {
        (await Sessions.FindSessionAsync("s-404", Ct)).ShouldBeNull();
        (await Sessions.FindRefreshTokenAsync("t-404", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task RotateSpendsTheTokenAndStoresItsReplacement()
    {
        await Users.CreateAsync(NewUser("u-1", "alice"), Ct);
        await Sessions.CreateAsync(NewSession("s-1", "u-1"), NewToken("t-1", "s-1"), Ct);
        var replacement = new RefreshToken("t-2", "s-1", T0.AddMinutes(20), T0.AddDays(14).AddMinutes(20));

        (await Sessions.TryRotateAsync("t-1", replacement, T0.AddMinutes(20), Ct)).ShouldBeTrue();

        (await Sessions.FindRefreshTokenAsync("t-1", Ct))!.SpentAt.ShouldBe(T0.AddMinutes(20));
        (await Sessions.FindRefreshTokenAsync("t-2", Ct)).ShouldBe(replacement);
    }

    [Fact]
    public async Task SecondRotationOfOneTokenFailsAndStoresNothing()
    {
        await Users.CreateAsync(NewUser("u-1", "alice"), Ct);
        await Sessions.CreateAsync(NewSession("s-1", "u-1"), NewToken("t-1", "s-1"), Ct);
        await Sessions.TryRotateAsync("t-1", NewToken("t-2", "s-1"), T0.AddMinutes(1), Ct);

        (await Sessions.TryRotateAsync("t-1", NewToken("t-3", "s-1"), T0.AddMinutes(2), Ct)).ShouldBeFalse();

        (await Sessions.FindRefreshTokenAsync("t-3", Ct)).ShouldBeNull();
        (await Sessions.FindRefreshTokenAsync("t-1", Ct))!.SpentAt.ShouldBe(T0.AddMinutes(1));
    }

    [Fact]
    public async Task RotateFailsGivenUnknownToken()
    {
        await Users.CreateAsync(NewUser("u-1", "alice"), Ct);
        await Sessions.CreateAsync(NewSession("s-1", "u-1"), NewToken("t-1", "s-1"), Ct);

        (await Sessions.TryRotateAsync("t-404", NewToken("t-2", "s-1"), T0, Ct)).ShouldBeFalse();
        (await Sessions.FindRefreshTokenAsync("t-2", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ConcurrentRotationsOfOneTokenLetExactlyOneWin()
    {
        await Users.CreateAsync(NewUser("u-1", "alice"), Ct);
        await Sessions.CreateAsync(NewSession("s-1", "u-1"), NewToken("t-1", "s-1"), Ct);

        var results = await RaceAsync(16, i => Sessions.TryRotateAsync("t-1", NewToken($"t-next-{i}", "s-1"), T0, Ct));

        results.Count(r => r).ShouldBe(1);
        for (var i = 0; i < results.Length; i++)
        {
            (await Sessions.FindRefreshTokenAsync($"t-next-{i}", Ct) is not null).ShouldBe(results[i], $"replacement {i}");
        }
    }

    [Fact]
    public async Task RevokeMarksTheSessionRevokedOnce()
    {
        await Users.CreateAsync(NewUser("u-1", "alice"), Ct);
        await Sessions.CreateAsync(NewSession("s-1", "u-1"), NewToken("t-1", "s-1"), Ct);

        await Sessions.RevokeAsync("s-1", T0.AddMinutes(1), Ct);
        await Sessions.RevokeAsync("s-1", T0.AddMinutes(2), Ct);

        var session = await Sessions.FindSessionAsync("s-1", Ct);
        session!.RevokedAt.ShouldBe(T0.AddMinutes(1));
        session.IsActive(T0.AddMinutes(3)).ShouldBeFalse();
    }

    [Fact]
    public async Task RevokeAllRevokesEverySessionOfTheUserButTheOneKept()
    {
        await Users.CreateAsync(NewUser("u-1", "alice"), Ct);
        await Users.CreateAsync(NewUser("u-2", "bob"), Ct);
        await Sessions.CreateAsync(NewSession("s-1", "u-1"), NewToken("t-1", "s-1"), Ct);
        await Sessions.CreateAsync(NewSession("s-2", "u-1"), NewToken("t-2", "s-2"), Ct);
        await Sessions.CreateAsync(NewSession("s-3", "u-1"), NewToken("t-3", "s-3"), Ct);
        await Sessions.CreateAsync(NewSession("s-4", "u-2"), NewToken("t-4", "s-4"), Ct);
        await Sessions.RevokeAsync("s-3", T0.AddMinutes(1), Ct);

        await Sessions.RevokeAllAsync("u-1", "s-2", T0.AddMinutes(5), Ct);

        (await Sessions.FindSessionAsync("s-1", Ct))!.RevokedAt.ShouldBe(T0.AddMinutes(5));
        (await Sessions.FindSessionAsync("s-2", Ct))!.RevokedAt.ShouldBeNull();
        (await Sessions.FindSessionAsync("s-3", Ct))!.RevokedAt.ShouldBe(T0.AddMinutes(1));
        (await Sessions.FindSessionAsync("s-4", Ct))!.RevokedAt.ShouldBeNull();
    }

    [Fact]
    public async Task RevokeAllWithoutExceptionRevokesEverySessionOfTheUser()
    {
        await Users.CreateAsync(NewUser("u-1", "alice"), Ct);
        await Sessions.CreateAsync(NewSession("s-1", "u-1"), NewToken("t-1", "s-1"), Ct);
        await Sessions.CreateAsync(NewSession("s-2", "u-1"), NewToken("t-2", "s-2"), Ct);

        await Sessions.RevokeAllAsync("u-1", null, T0.AddMinutes(5), Ct);

        (await Sessions.FindSessionAsync("s-1", Ct))!.RevokedAt.ShouldBe(T0.AddMinutes(5));
        (await Sessions.FindSessionAsync("s-2", Ct))!.RevokedAt.ShouldBe(T0.AddMinutes(5));
    }
}
