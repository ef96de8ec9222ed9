using System.Net;
using System.Net.Http.Json;

namespace Accounts.Server.Tests;

public sealed class SessionTests
{
    [Theory]
    [InlineData("ada")]
    [InlineData("ADA")]
    [InlineData("Ada@Example.com")]
    public async Task SignInSucceedsWithUsernameOrEmail(string login)
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");

        var response = await client.PostAsJsonAsync("/v1/sessions", new { login, password = TestUsers.Password });

        var body = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        ((string?)body["tokenType"]).ShouldBe("Bearer");
        ((int?)body["expiresIn"]).ShouldBe(900);
        ((string)body["accessToken"]!).Split('.').Length.ShouldBe(3);
        ((string?)body["refreshToken"]).ShouldNotBeNullOrEmpty();
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    [Fact]
    public async Task SignInSucceedsWithPhone()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "+15555550100", "whatsapp");
        (await client.PostAsJsonAsync("/v1/users", new { username = "grace", password = TestUsers.Password, phone = "+15555550100", code }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        var tokens = await app.SignInAsync(client, "+1 (555) 555-0100");

        tokens.AccessToken.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task SignInFailsGivenWrongPasswordWithTheSameAnswerAsUnknownUser()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");

        var wrong = await (await client.PostAsJsonAsync("/v1/sessions", new { login = "ada", password = "not the password" }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        var unknown = await (await client.PostAsJsonAsync("/v1/sessions", new { login = "nobody", password = "not the password" }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");

        ((string?)wrong["detail"]).ShouldBe((string?)unknown["detail"]);
    }

    [Fact]
    public async Task SignInLocksAccountAfterTenFailuresForFifteenMinutes()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        for (var i = 0; i < 9; i++)
        {
            await (await client.PostAsJsonAsync("/v1/sessions", new { login = "ada", password = "wrong password " + i }))
                .ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        var tenth = await client.PostAsJsonAsync("/v1/sessions", new { login = "ada", password = "wrong password 9" });
        await tenth.ShouldBeProblemAsync(HttpStatusCode.Locked, "account_locked");

        var rightButLocked = await client.PostAsJsonAsync("/v1/sessions", new { login = "ada", password = TestUsers.Password });
        await rightButLocked.ShouldBeProblemAsync(HttpStatusCode.Locked, "account_locked");
        rightButLocked.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBe(900, 1);

        app.Clock.Advance(TimeSpan.FromMinutes(15));
        (await app.SignInAsync(client, "ada")).AccessToken.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task SuccessfulSignInResetsTheFailureCount()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        for (var i = 0; i < 9; i++)
        {
            await client.PostAsJsonAsync("/v1/sessions", new { login = "ada", password = "wrong password" });
        }

        await app.SignInAsync(client, "ada");
        var afterReset = await client.PostAsJsonAsync("/v1/sessions", new { login = "ada", password = "wrong password" });

        await afterReset.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Fact]
    public async Task RefreshRotatesAndTheOldTokenIsSpent()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var first = await app.SignInAsync(client, "ada");

        var refreshed = await (await client.PostAsJsonAsync("/v1/sessions/refresh", new { refreshToken = first.RefreshToken }))
            .ShouldBeJsonAsync(HttpStatusCode.OK);
        var second = (string)refreshed["refreshToken"]!;
        second.ShouldNotBe(first.RefreshToken);

        var newAccess = app.CreateClient((string)refreshed["accessToken"]!);
        (await newAccess.GetAsync("/v1/users/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ReusingSpentRefreshTokenRevokesTheWholeFamily()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var first = await app.SignInAsync(client, "ada");
        var rotated = await (await client.PostAsJsonAsync("/v1/sessions/refresh", new { refreshToken = first.RefreshToken }))
            .ShouldBeJsonAsync(HttpStatusCode.OK);

        var replay = await client.PostAsJsonAsync("/v1/sessions/refresh", new { refreshToken = first.RefreshToken });
        await replay.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_refresh_token");

        // The legitimate holder's newer tokens die with the family.
        var descendant = await client.PostAsJsonAsync("/v1/sessions/refresh", new { refreshToken = (string)rotated["refreshToken"]! });
        await descendant.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        (await app.CreateClient((string)rotated["accessToken"]!).GetAsync("/v1/users/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await app.CreateClient(first.AccessToken).GetAsync("/v1/users/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RefreshFailsGivenGarbage()
    {
        await using var app = new AccountsApplication();

        var response = await app.CreateClient().PostAsJsonAsync("/v1/sessions/refresh", new { refreshToken = "not-a-token" });

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    [Fact]
    public async Task SignOutRevokesAccessAndRefreshTokensOfThatSessionOnly()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var laptop = await app.SignInAsync(client, "ada");
        var phone = await app.SignInAsync(client, "ada");

        (await app.CreateClient(laptop.AccessToken).DeleteAsync("/v1/sessions/current")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await app.CreateClient(laptop.AccessToken).GetAsync("/v1/users/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await (await client.PostAsJsonAsync("/v1/sessions/refresh", new { refreshToken = laptop.RefreshToken }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        (await app.CreateClient(phone.AccessToken).GetAsync("/v1/users/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AccessTokenExpiresAfterFifteenMinutes()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var tokens = await app.SignInAsync(client, "ada");
        var authorized = app.CreateClient(tokens.AccessToken);

        app.Clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        (await authorized.GetAsync("/v1/users/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var expired = await authorized.GetAsync("/v1/users/me");
        await expired.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_token");
        expired.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");
    }

    [Fact]
    public async Task ProtectedRoutesRefuseMissingOrForgedTokens()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var tokens = await app.SignInAsync(client, "ada");
        var parts = tokens.AccessToken.Split('.');
        var forged = parts[0] + "." + parts[1] + "." + new string('A', parts[2].Length);

        await (await client.GetAsync("/v1/users/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await app.CreateClient(forged).GetAsync("/v1/users/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_token");
    }
}
