using System.Net;
using System.Net.Http.Json;

namespace Accounts.Server.Tests;

public sealed class PasswordResetTests
{
    [Fact]
    public async Task ResetRequestAnswersTheSameForUnknownLogins()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var sentBefore = app.OutboxMessages().Count;

        var known = await client.PostAsJsonAsync("/v1/password-resets", new { login = "ada" });
        var unknown = await client.PostAsJsonAsync("/v1/password-resets", new { login = "nobody@example.com" });

        known.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        unknown.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await unknown.Content.ReadAsStringAsync()).ShouldBe(await known.Content.ReadAsStringAsync());
        var sent = app.OutboxMessages().Skip(sentBefore).ToList();
        sent.Count.ShouldBe(1);
        ((string?)sent[0]["purpose"]).ShouldBe("password-reset");
        ((string?)sent[0]["destination"]).ShouldBe("ada@example.com");
    }

    [Fact]
    public async Task ConfirmSetsTheNewPasswordAndEndsEverySession()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var session = await app.SignInAsync(client, "ada");
        await client.PostAsJsonAsync("/v1/password-resets", new { login = "ada@example.com" });
        var code = app.LatestCode("ada@example.com");
        const string newPassword = "a fresh start at last";

        var confirmed = await client.PostAsJsonAsync("/v1/password-resets/confirm", new { login = "ada@example.com", code, newPassword });

        confirmed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await app.CreateClient(session.AccessToken).GetAsync("/v1/users/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await (await client.PostAsJsonAsync("/v1/sessions/refresh", new { refreshToken = session.RefreshToken }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        (await app.SignInAsync(client, "ada", newPassword)).AccessToken.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task ConfirmAnswersUnknownLoginLikeAWrongCode()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");

        var unknown = await client.PostAsJsonAsync("/v1/password-resets/confirm", new { login = "nobody", code = "123456", newPassword = "a fresh start at last" });
        var wrong = await client.PostAsJsonAsync("/v1/password-resets/confirm", new { login = "ada", code = "123456", newPassword = "a fresh start at last" });

        var a = await unknown.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
        var b = await wrong.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
        a.Remove("traceId");
        b.Remove("traceId");
        a.ToJsonString().ShouldBe(b.ToJsonString());
    }

    [Fact]
    public async Task RegisterCodeCannotResetAPassword()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var code = await app.RequestCodeAsync(client, "ada@example.com");

        var response = await client.PostAsJsonAsync("/v1/password-resets/confirm", new { login = "ada", code, newPassword = "a fresh start at last" });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
    }

    [Fact]
    public async Task ResetCodeExpiresAfterTenMinutes()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        await client.PostAsJsonAsync("/v1/password-resets", new { login = "ada" });
        var code = app.LatestCode("ada@example.com");

        app.Clock.Advance(TimeSpan.FromMinutes(10));
        var response = await client.PostAsJsonAsync("/v1/password-resets/confirm", new { login = "ada", code, newPassword = "a fresh start at last" });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
    }

    [Fact]
    public async Task ConfirmRefusesWeakNewPassword()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        await client.PostAsJsonAsync("/v1/password-resets", new { login = "ada" });
        var code = app.LatestCode("ada@example.com");

        var response = await client.PostAsJsonAsync("/v1/password-resets/confirm", new { login = "ada", code, newPassword = "password" });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "weak_password");
        (await client.PostAsJsonAsync("/v1/password-resets/confirm", new { login = "ada", code, newPassword = "a fresh start at last" }))
            .StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }
}
