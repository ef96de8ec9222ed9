using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Accounts.Core.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace Accounts.Server.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task HealthEndpointsAnswer()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();

        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ready = await (await client.GetAsync("/health/ready")).ShouldBeJsonAsync(HttpStatusCode.OK);
        ((string?)ready["status"]).ShouldBe("Healthy");
        var checks = ready["checks"]!.AsArray().ToDictionary(c => (string)c!["name"]!, c => c!);
        ((string?)checks["storage"]["data"]!["provider"]).ShouldBe(TestStack.Name switch { "mariadb" => "mysql", "postgres" => "postgresql", _ => "sqlite" });
        ((string?)checks["redis"]["description"]).ShouldBe(TestStack.IsEmbedded ? "Redis is not configured: shared state is kept in the process and the database." : "Redis answers.");
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheRoutes()
    {
        await using var app = new AccountsApplication();

        var response = await app.CreateClient().GetAsync("/openapi/v1.json");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.ShouldContain("/v1/users");
        paths.ShouldContain("/v1/users/me");
        paths.ShouldContain("/v1/sessions");
        paths.ShouldContain("/v1/password-resets/confirm");
        paths.ShouldContain("/v1/tokens/introspect");
    }

    [Fact]
    public async Task JwksPublishesThePublicKeyThatSignsTokens()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada@example.com");
        var tokens = await app.SignInAsync(client, "ada");
        var header = JsonNode.Parse(Base64UrlDecode(tokens.AccessToken.Split('.')[0]))!;

        var jwksText = await (await client.GetAsync("/.well-known/jwks.json")).Content.ReadAsStringAsync();

        var keys = JsonNode.Parse(jwksText)!["keys"]!.AsArray();
        ((string?)header["alg"]).ShouldBe("ES256");
        keys.Select(k => (string?)k!["kid"]).ShouldContain((string?)header["kid"]);
        keys.All(k => k!["d"] is null).ShouldBeTrue();
    }

    [Fact]
    public async Task IntrospectionTellsActiveTokensFromBadOnes()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var profile = await app.RegisterAsync(client, "ada", "ada@example.com");
        var tokens = await app.SignInAsync(client, "ada");

        var active = await (await client.PostAsJsonAsync("/v1/tokens/introspect", new { token = tokens.AccessToken })).ShouldBeJsonAsync(HttpStatusCode.OK);
        var garbage = await (await client.PostAsJsonAsync("/v1/tokens/introspect", new { token = "x.y.z" })).ShouldBeJsonAsync(HttpStatusCode.OK);

        ((bool)active["active"]!).ShouldBeTrue();
        ((string?)active["sub"]).ShouldBe((string?)profile["id"]);
        var expected = app.Clock.GetUtcNow().AddMinutes(15).ToUnixTimeSeconds();
        ((long)active["exp"]!).ShouldBeInRange(expected - 1, expected);
        garbage.ToJsonString().ShouldBe("""{"active":false}""");
    }

    [Fact]
    public async Task MalformedJsonIsAProblemWithACode()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();

        var response = await client.PostAsync("/v1/sessions", new StringContent("{\"login\": ", Encoding.UTF8, "application/json"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        ((string?)problem["type"]).ShouldBe("urn:accounts:error:invalid_request");
    }

    [Fact]
    public async Task ForwardedForIsIgnoredUnlessAProxyIsTrusted()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var profile = await app.RegisterAsync(client, "ada", "ada@example.com");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions") { Content = JsonContent.Create(new { login = "ada", password = "wrong password" }) };
        request.Headers.Add("X-Forwarded-For", "203.0.113.66");

        await client.SendAsync(request);

        var events = await app.Services.GetRequiredService<IAuditLog>().ListAsync((string)profile["id"]!, 10, TestContext.Current.CancellationToken);
        events.ShouldContain(e => e.Type == AuditEvents.SignInFailed);
        events.ShouldAllBe(e => e.ClientAddress != "203.0.113.66");
    }

    [Fact]
    public async Task AuthRoutesAreRateLimitedPerAddress()
    {
        await using var app = new AccountsApplication(new Dictionary<string, string?> { ["Accounts:RateLimits:AuthPermitLimit"] = "3" });
        var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await client.PostAsJsonAsync("/v1/sessions", new { login = "nobody", password = "whatever it is" });
        }

        var limited = await client.PostAsJsonAsync("/v1/sessions", new { login = "nobody", password = "whatever it is" });

        await limited.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        limited.Headers.RetryAfter!.Delta!.Value.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task SecurityEventsAreAudited()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var profile = await app.RegisterAsync(client, "ada", "ada@example.com");
        await client.PostAsJsonAsync("/v1/sessions", new { login = "ada", password = "wrong password" });
        var tokens = await app.SignInAsync(client, "ada");
        await app.CreateClient(tokens.AccessToken).DeleteAsync("/v1/sessions/current");

        var audit = app.Services.GetRequiredService<IAuditLog>();
        var events = await audit.ListAsync((string)profile["id"]!, 50, TestContext.Current.CancellationToken);

        events.Select(e => e.Type).Reverse().ShouldBe([AuditEvents.Registered, AuditEvents.SignInFailed, AuditEvents.SignedIn, AuditEvents.SignedOut]);
    }

    [Fact]
    public async Task DataAtRestHoldsNoContactOrCodeInClear()
    {
        TestStack.RequireEmbedded();
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "ada.secret@example.com");
        await client.PostAsJsonAsync("/v1/password-resets", new { login = "ada" });
        var code = app.LatestCode("ada.secret@example.com");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var database = Directory.GetFiles(app.DataDirectory, "*.db*").Select(File.ReadAllBytes).SelectMany(b => b).ToArray();
        var text = Encoding.Latin1.GetString(database);

        text.ShouldNotContain("ada.secret@example.com");
        text.ShouldNotContain(code);
        text.ShouldNotContain(TestUsers.Password);
    }

    [Fact]
    public async Task GeneratedKeysAreReadableByTheOwnerOnly()
    {
        TestStack.RequireEmbedded();
        await using var app = new AccountsApplication();
        (await app.CreateClient().GetAsync("/health/live")).EnsureSuccessStatusCode();

        var keys = Path.Combine(app.DataDirectory, "keys.json");

        File.Exists(keys).ShouldBeTrue();
        File.GetUnixFileMode(keys).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private static string Base64UrlDecode(string value) =>
        Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(value));
}
