using System.Net;
using System.Net.Http.Json;

namespace Accounts.Server.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public async Task RegisterCreatesUserGivenLiveCode()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "Ada@Example.com");

        var response = await client.PostAsJsonAsync("/v1/users", new
        {
            username = "ada",
            password = TestUsers.Password,
            displayName = "Ada Lovelace",
            email = "Ada@Example.com",
            code,
        });

        var profile = await response.ShouldBeJsonAsync(HttpStatusCode.Created);
        response.Headers.Location!.OriginalString.ShouldBe("/v1/users/me");
        ((string?)profile["username"]).ShouldBe("ada");
        ((string?)profile["email"]).ShouldBe("ada@example.com");
        ((string?)profile["displayName"]).ShouldBe("Ada Lovelace");
        ((string?)profile["id"]).ShouldNotBeNullOrEmpty();
        profile.ContainsKey("phone").ShouldBeTrue();
        profile.ContainsKey("createdAt").ShouldBeTrue();
    }

    [Fact]
    public async Task VerificationAnswersIdAndExpiryAndWritesCodeToOutbox()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();

        var response = await client.PostAsJsonAsync("/v1/verifications", new { channel = "whatsapp", destination = "+44 20 7946 0958", purpose = "register" });

        var body = await response.ShouldBeJsonAsync(HttpStatusCode.Accepted);
        ((string?)body["verificationId"]).ShouldNotBeNullOrEmpty();
        DateTimeOffset.Parse((string)body["expiresAt"]!, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBe(app.Clock.GetUtcNow().AddMinutes(10), TimeSpan.FromSeconds(1));
        var message = app.OutboxMessages().Single();
        ((string?)message["channel"]).ShouldBe("whatsapp");
        ((string?)message["destination"]).ShouldBe("+442079460958");
        ((string?)message["purpose"]).ShouldBe("register");
        app.LatestCode("+442079460958").Length.ShouldBe(6);
    }

    [Fact]
    public async Task RegisterWithPhoneCodeAndCallerChosenId()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "+15555550100", "sms");

        var response = await client.PostAsJsonAsync("/v1/users", new { id = "user-42", username = "grace", password = TestUsers.Password, phone = "+1 555 555 0100", code });

        var profile = await response.ShouldBeJsonAsync(HttpStatusCode.Created);
        ((string?)profile["id"]).ShouldBe("user-42");
        ((string?)profile["phone"]).ShouldBe("+15555550100");
    }

    [Theory]
    [InlineData("fax", "someone@example.com", "invalid_channel")]
    [InlineData("email", "not-an-email", "invalid_email")]
    [InlineData("sms", "0207 946 0958", "invalid_phone")]
    public async Task VerificationRefusesBadInput(string channel, string destination, string code)
    {
        await using var app = new AccountsApplication();

        var response = await app.CreateClient().PostAsJsonAsync("/v1/verifications", new { channel, destination, purpose = "register" });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);
        app.OutboxMessages().ShouldBeEmpty();
    }

    [Fact]
    public async Task RegisterRefusesEmailAndPhoneTogetherSinceOneCodeProvesOne()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "a@example.com");

        var response = await client.PostAsJsonAsync("/v1/users", new { username = "ada", password = TestUsers.Password, email = "a@example.com", phone = "+15555550100", code });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "one_contact_at_a_time");
    }

    [Fact]
    public async Task RegisterFailsGivenWrongCode()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "a@example.com");
        var wrong = code == "000000" ? "111111" : "000000";

        var response = await client.PostAsJsonAsync("/v1/users", new { username = "ada", password = TestUsers.Password, email = "a@example.com", code = wrong });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
    }

    [Fact]
    public async Task RegisterFailsGivenExpiredCode()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "a@example.com");

        app.Clock.Advance(TimeSpan.FromMinutes(10));
        var response = await client.PostAsJsonAsync("/v1/users", new { username = "ada", password = TestUsers.Password, email = "a@example.com", code });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
    }

    [Fact]
    public async Task RegisterSucceedsOneSecondBeforeCodeExpires()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "a@example.com");

        app.Clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        var response = await client.PostAsJsonAsync("/v1/users", new { username = "ada", password = TestUsers.Password, email = "a@example.com", code });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task RegisterFailsGivenReusedCode()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "a@example.com");
        (await client.PostAsJsonAsync("/v1/users", new { username = "ada", password = TestUsers.Password, email = "a@example.com", code }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        var response = await client.PostAsJsonAsync("/v1/users", new { username = "ada2", password = TestUsers.Password, email = "a@example.com", code });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
    }

    [Fact]
    public async Task RegisterFailsAfterFiveWrongCodesEvenWithTheRightOne()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "a@example.com");
        var wrong = code == "000000" ? "111111" : "000000";
        for (var i = 0; i < 5; i++)
        {
            await (await client.PostAsJsonAsync("/v1/users", new { username = "ada", password = TestUsers.Password, email = "a@example.com", code = wrong }))
                .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
        }

        var response = await client.PostAsJsonAsync("/v1/users", new { username = "ada", password = TestUsers.Password, email = "a@example.com", code });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "code_attempts_exhausted");
    }

    [Fact]
    public async Task CodeIsBoundToItsDestination()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "a@example.com");

        var response = await client.PostAsJsonAsync("/v1/users", new { username = "mallory", password = TestUsers.Password, email = "b@example.com", code });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
    }

    [Fact]
    public async Task NewCodeRetiresTheEarlierOne()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var first = await app.RequestCodeAsync(client, "a@example.com");
        var second = await app.RequestCodeAsync(client, "a@example.com");
        if (first == second)
        {
            return; // one chance in a million: nothing to tell apart
        }

        var response = await client.PostAsJsonAsync("/v1/users", new { username = "ada", password = TestUsers.Password, email = "a@example.com", code = first });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_code");
    }

    [Fact]
    public async Task RegisterFailsGivenTakenUsernameWithoutSpendingTheCode()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "a@example.com");
        var code = await app.RequestCodeAsync(client, "b@example.com");

        var taken = await client.PostAsJsonAsync("/v1/users", new { username = "ADA", password = TestUsers.Password, email = "b@example.com", code });
        await taken.ShouldBeProblemAsync(HttpStatusCode.Conflict, "username_taken");

        var retry = await client.PostAsJsonAsync("/v1/users", new { username = "bob", password = TestUsers.Password, email = "b@example.com", code });
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task RegisterFailsGivenTakenEmail()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        await app.RegisterAsync(client, "ada", "a@example.com");
        var code = await app.RequestCodeAsync(client, "A@example.com");

        var response = await client.PostAsJsonAsync("/v1/users", new { username = "other", password = TestUsers.Password, email = "A@example.com", code });

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "email_taken");
    }

    [Fact]
    public async Task RegisterFailsGivenTakenId()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var first = await app.RequestCodeAsync(client, "a@example.com");
        (await client.PostAsJsonAsync("/v1/users", new { id = "same", username = "ada", password = TestUsers.Password, email = "a@example.com", code = first }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var second = await app.RequestCodeAsync(client, "b@example.com");

        var response = await client.PostAsJsonAsync("/v1/users", new { id = "same", username = "bob", password = TestUsers.Password, email = "b@example.com", code = second });

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "id_taken");
    }

    [Theory]
    [InlineData("short")]
    [InlineData("password123")]
    [InlineData("aaaaaaaaaa")]
    [InlineData("12345678")]
    [InlineData("ada@example.com")]
    public async Task RegisterFailsGivenWeakPassword(string password)
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "ada@example.com");

        var response = await client.PostAsJsonAsync("/v1/users", new { username = "ada", password, email = "ada@example.com", code });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "weak_password");
        problem["errors"]!["password"].ShouldNotBeNull();
    }

    [Fact]
    public async Task RegisterFailsGivenPasswordOver128Characters()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "a@example.com");

        var response = await client.PostAsJsonAsync("/v1/users", new { username = "ada", password = new string('x', 120) + "y-z-w-v-u", email = "a@example.com", code });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "password_too_long");
    }

    [Fact]
    public async Task RegisterRefusesImageThatIsNotAnImage()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "a@example.com");
        var image = Convert.ToBase64String("<?php echo 1; ?>"u8.ToArray());

        var response = await client.PostAsJsonAsync("/v1/users", new { username = "ada", password = TestUsers.Password, email = "a@example.com", code, image });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "invalid_image");
    }

    [Fact]
    public async Task RegisterRefusesImageOverTheLimit()
    {
        await using var app = new AccountsApplication(new Dictionary<string, string?> { ["Accounts:Profile:MaxImageBytes"] = "2048" });
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "a@example.com");
        var png = new byte[4096];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);

        var response = await client.PostAsJsonAsync("/v1/users", new { username = "ada", password = TestUsers.Password, email = "a@example.com", code, image = Convert.ToBase64String(png) });

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "image_too_large");
    }

    [Fact]
    public async Task RegisterKeepsPngImage()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        var code = await app.RequestCodeAsync(client, "a@example.com");
        var png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]);

        var response = await client.PostAsJsonAsync("/v1/users", new { username = "ada", password = TestUsers.Password, email = "a@example.com", code, image = png });

        var profile = await response.ShouldBeJsonAsync(HttpStatusCode.Created);
        ((string?)profile["image"]).ShouldBe(png);
    }

    [Fact]
    public async Task CodeSendingIsLimitedPerDestination()
    {
        await using var app = new AccountsApplication();
        var client = app.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await app.RequestCodeAsync(client, "a@example.com");
        }

        var response = await client.PostAsJsonAsync("/v1/verifications", new { channel = "email", destination = "a@example.com", purpose = "register" });

        await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "too_many_codes");
        response.Headers.RetryAfter.ShouldNotBeNull();
        app.OutboxMessages().Count.ShouldBe(5);
    }
}
