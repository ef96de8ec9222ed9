using System.Net;
using System.Net.Http.Json;

namespace Accounts.Server.Tests;

public sealed class ProfileTests
{
    [Fact]
    public async Task ReadProfileAnswersTheCallersProfileWithoutPassword()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var registered = await app.RegisterAsync(client, "ada", "ada@example.com");
        var tokens = await app.SignInAsync(client, "ada");

        var profile = await (await app.CreateClient(tokens.AccessToken).GetAsync("/v1/users/me")).ShouldBeJsonAsync(HttpStatusCode.OK);

        ((string?)profile["id"]).ShouldBe((string?)registered["id"]);
        ((string?)profile["email"]).ShouldBe("ada@example.com");
        profile.Select(p => p.Key).Order().ShouldBe(["createdAt", "displayName", "email", "id", "image", "phone", "updatedAt", "username"]);
    }

    [Fact]
    public async Task UpdateChangesDisplayNameAndUsername()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var tokens = await app.SignInAsync(client, "ada");
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        var response = await app.CreateClient(tokens.AccessToken).PatchAsJsonAsync("/v1/users/me", new { displayName = "Countess", username = "lovelace" });

        var profile = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        ((string?)profile["displayName"]).ShouldBe("Countess");
        ((string?)profile["username"]).ShouldBe("lovelace");
        ((string?)profile["updatedAt"]).ShouldNotBe((string?)profile["createdAt"]);
        (await app.SignInAsync(client, "lovelace")).AccessToken.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task UpdateRefusesTakenUsername()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        await app.RegisterAsync(client, "bob", "bob@example.com");
        var tokens = await app.SignInAsync(client, "ada");

        var response = await app.CreateClient(tokens.AccessToken).PatchAsJsonAsync("/v1/users/me", new { username = "Bob" });

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "username_taken");
    }

    [Fact]
    public async Task ContactChangeWithoutCodeIsRefusedAndChangesNothing()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var tokens = await app.SignInAsync(client, "ada");
        var authorized = app.CreateClient(tokens.AccessToken);

        var response = await authorized.PatchAsJsonAsync("/v1/users/me", new { email = "new@example.com", displayName = "Changed" });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "code_required");
        var profile = await (await authorized.GetAsync("/v1/users/me")).ShouldBeJsonAsync(HttpStatusCode.OK);
        ((string?)profile["email"]).ShouldBe("ada@example.com");
        ((string?)profile["displayName"]).ShouldBeNull();
    }

    [Fact]
    public async Task ContactChangeWithRegisterCodeIsRefused()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var tokens = await app.SignInAsync(client, "ada");
        var code = await app.RequestCodeAsync(client, "new@example.com", purpose: "register");

        var response = await app.CreateClient(tokens.AccessToken).PatchAsJsonAsync("/v1/users/me", new { email = "new@example.com", code });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
    }

    [Fact]
    public async Task ContactChangeWithCodeSucceeds()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var tokens = await app.SignInAsync(client, "ada");
        var code = await app.RequestCodeAsync(client, "+15555550100", "sms", "change-contact");

        var response = await app.CreateClient(tokens.AccessToken).PatchAsJsonAsync("/v1/users/me", new { phone = "+15555550100", code });

        var profile = await response.ShouldBeJsonAsync(HttpStatusCode.OK);
        ((string?)profile["phone"]).ShouldBe("+15555550100");
        (await app.SignInAsync(client, "+15555550100")).AccessToken.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task PasswordChangeNeedsTheCurrentPasswordAndEndsOtherSessions()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var current = await app.SignInAsync(client, "ada");
        var other = await app.SignInAsync(client, "ada");
        var authorized = app.CreateClient(current.AccessToken);
        const string newPassword = "a brand new passphrase";

        await (await authorized.PatchAsJsonAsync("/v1/users/me", new { password = newPassword }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "current_password_required");
        await (await authorized.PatchAsJsonAsync("/v1/users/me", new { password = newPassword, currentPassword = "wrong one" }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "wrong_password");

        var changed = await authorized.PatchAsJsonAsync("/v1/users/me", new { password = newPassword, currentPassword = TestUsers.Password });
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        HttpAssertions.ShouldHoldNoPassword(await changed.Content.ReadAsStringAsync());
        (await changed.Content.ReadAsStringAsync()).ShouldNotContain(newPassword);

        (await authorized.GetAsync("/v1/users/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.CreateClient(other.AccessToken).GetAsync("/v1/users/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await (await client.PostAsJsonAsync("/v1/sessions", new { login = "ada", password = TestUsers.Password }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        (await app.SignInAsync(client, "ada", newPassword)).AccessToken.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task DeleteNeedsThePasswordAndThenEveryTokenIsRejected()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var tokens = await app.SignInAsync(client, "ada");
        var other = await app.SignInAsync(client, "ada");
        var authorized = app.CreateClient(tokens.AccessToken);

        var wrong = await authorized.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/users/me") { Content = JsonContent.Create(new { password = "wrong password" }) });
        await wrong.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "wrong_password");

        var deleted = await authorized.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/users/me") { Content = JsonContent.Create(new { password = TestUsers.Password }) });
        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await authorized.GetAsync("/v1/users/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_token");
        (await app.CreateClient(other.AccessToken).GetAsync("/v1/users/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await (await client.PostAsJsonAsync("/v1/sessions/refresh", new { refreshToken = tokens.RefreshToken }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        await (await client.PostAsJsonAsync("/v1/sessions", new { login = "ada", password = TestUsers.Password }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        var introspection = await (await client.PostAsJsonAsync("/v1/tokens/introspect", new { token = tokens.AccessToken })).ShouldBeJsonAsync(HttpStatusCode.OK);
        ((bool)introspection["active"]!).ShouldBeFalse();
    }

    [Fact]
    public async Task DeletedUsersNameAndAddressAreFreeAgain()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var tokens = await app.SignInAsync(client, "ada");
        await app.CreateClient(tokens.AccessToken).SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/users/me") { Content = JsonContent.Create(new { password = TestUsers.Password }) });

        var again = await app.RegisterAsync(client, "ada", "ada@example.com");

        ((string?)again["username"]).ShouldBe("ada");
        (await app.CreateClient(tokens.AccessToken).GetAsync("/v1/users/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
