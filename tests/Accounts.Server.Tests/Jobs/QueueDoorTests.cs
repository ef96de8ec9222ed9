using System.Text.Json.Nodes;
using Accounts.Queues;

namespace Accounts.Server.Tests.Jobs;

/// <summary>
/// The seven queues of the original deployment, fed the job data its gateway sent, run by Accounts' workers on the
/// same use cases as HTTP (in-process queues on the embedded stack, Bull in Redis on the server stacks).
/// </summary>
public sealed class QueueDoorTests
{
    private const string Phone = "+14155550123";
    private const string Password = "correct horse battery staple";
    private const string NewPassword = "another fine passphrase";

    [Fact]
    public async Task OriginalSequenceRunsOnGatewayTokensAndNeverAnswersAPassword()
    {
        await using var app = new AccountsApplication(JobTestKit.GatewaySettings());
        var id = "user-" + Guid.NewGuid().ToString("N");
        string Token() => JobTestKit.GatewayToken(id, app.Clock.GetUtcNow());

        (await app.RunJobAsync("Verification", new { Id = id, Phone, Token = Token() })).ShouldAnswer(true, "The verification code has been requested");
        var sent = app.OutboxMessages()[^1];
        ((string?)sent["channel"]).ShouldBe("whatsapp");
        ((string?)sent["destination"]).ShouldBe(Phone);

        var created = await app.RunJobAsync("Create_User", new { Id = id, Username = "Ada Lovelace", Phone, Image = JobTestKit.Png, Password, Code = app.LatestCode(Phone), Token = Token() });
        created.ShouldAnswer(true, "User created successfully");

        var read = await app.RunJobAsync("Read_User", new { Id = id, Token = Token() });
        read.State.ShouldBe(JobState.Completed);
        var profile = read.ReturnValue!["Message"]!.AsObject();
        ((string?)profile["Phone"]).ShouldBe(Phone);
        ((string?)profile["Name"]).ShouldBe("Ada Lovelace");
        ((string?)profile["Image"]).ShouldBe(JobTestKit.Png);
        read.ReturnValue.ToJsonString().ShouldNotContain("Password", Case.Insensitive);

        (await app.RunJobAsync("Update_User", new { Id = id, Username = "Ada King", Phone, Image = JobTestKit.Png, Password = NewPassword, Token = Token() }))
            .ShouldAnswer(true, "User updated successfully");
        (await app.RunJobAsync("Verify_User", new { Id = id, Password, Token = Token() })).ShouldAnswer(false, "The password is incorrect.");
        (await app.RunJobAsync("Verify_User", new { Id = id, Password = NewPassword, Token = Token() })).ShouldAnswer(true, "The user exist");

        var before = app.OutboxMessages().Count;
        var recover = await app.RunJobAsync("Recover_Password", new { Id = id, Token = Token() });
        recover.State.ShouldBe(JobState.Completed);
        recover.ReturnValue!["Status"]!.GetValue<bool>().ShouldBeTrue();
        var reset = app.OutboxMessages().Skip(before).ShouldHaveSingleItem();
        ((string?)reset["destination"]).ShouldBe(Phone);
        ((string)reset["text"]!).ShouldNotContain(NewPassword);

        (await app.RunJobAsync("Delete_User", new { Id = id, Token = Token() })).ShouldAnswer(true, "Successfully deleted");
        (await app.RunJobAsync("Delete_User", new { Id = id, Token = Token() })).ShouldAnswer(false, "The user does not exist.");
    }

    [Fact]
    public async Task GatewayTokensAreRefusedUnlessTheirSecretIsConfigured()
    {
        await using var app = new AccountsApplication();
        var id = "user-" + Guid.NewGuid().ToString("N");

        var job = await app.RunJobAsync("Verification", new { Id = id, Phone, Token = JobTestKit.GatewayToken(id, app.Clock.GetUtcNow()) });

        job.ShouldBeRejected("Session expired. Please log in again.");
        app.OutboxMessages().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("another id")]
    [InlineData("wrong secret")]
    [InlineData("expired")]
    [InlineData("alg none")]
    [InlineData("no token")]
    public async Task BadTokenFailsTheJobForGoodAndSendsNothing(string fault)
    {
        await using var app = new AccountsApplication(JobTestKit.GatewaySettings());
        var id = "user-" + Guid.NewGuid().ToString("N");
        var now = app.Clock.GetUtcNow();
        string? token = fault switch
        {
            "another id" => JobTestKit.GatewayToken("someone-else", now),
            "wrong secret" => JobTestKit.GatewayToken(id, now, secret: "not the gateway's secret at all"),
            "expired" => JobTestKit.GatewayToken(id, now - TimeSpan.FromHours(2)),
            "alg none" => JobTestKit.GatewayToken(id, now, alg: "none"),
            _ => null,
        };

        var job = await app.RunJobAsync("Verification", new { Id = id, Phone, Token = token }, attempts: 3);

        job.ShouldBeRejected("Session expired. Please log in again.");
        job.AttemptsMade.ShouldBe(1);
        app.OutboxMessages().ShouldBeEmpty();
    }

    [Fact]
    public async Task WrongCodeCompletesWithStatusFalseAndCreatesNoUser()
    {
        await using var app = new AccountsApplication(JobTestKit.GatewaySettings());
        var id = "user-" + Guid.NewGuid().ToString("N");
        string Token() => JobTestKit.GatewayToken(id, app.Clock.GetUtcNow());
        await app.RunJobAsync("Verification", new { Id = id, Phone, Token = Token() });
        var code = app.LatestCode(Phone);
        var wrong = code == "000000" ? "111111" : "000000";

        (await app.RunJobAsync("Create_User", new { Id = id, Username = "Ada", Phone, Password, Code = wrong, Token = Token() }))
            .ShouldAnswer(false, "The verification code is incorrect");
        (await app.RunJobAsync("Read_User", new { Id = id, Token = Token() })).ShouldAnswer(false, "The user does not exist.");
        (await app.RunJobAsync("Create_User", new { Id = id, Username = "Ada", Phone, Password, Code = code, Token = Token() }))
            .ShouldAnswer(true, "User created successfully");
        (await app.RunJobAsync("Verification", new { Id = id, Phone, Token = Token() })).ShouldAnswer(false, "User exists");
    }

    [Theory]
    [InlineData("no phone", "The job's Phone is required.")]
    [InlineData("weak password", "The password must be")]
    [InlineData("phone as object", "The job's Phone must be a string.")]
    public async Task BadDataFailsTheJobWithItsReasonAndChangesNothing(string fault, string reason)
    {
        await using var app = new AccountsApplication(JobTestKit.GatewaySettings());
        var id = "user-" + Guid.NewGuid().ToString("N");
        var token = JobTestKit.GatewayToken(id, app.Clock.GetUtcNow());
        object data = fault switch
        {
            "no phone" => new { Id = id, Username = "Ada", Password, Code = "123456", Token = token },
            "weak password" => new { Id = id, Username = "Ada", Phone, Password = "short", Code = "123456", Token = token },
            _ => new { Id = id, Username = "Ada", Phone = new { number = Phone }, Password, Code = "123456", Token = token },
        };

        var job = await app.RunJobAsync("Create_User", data, attempts: 3);

        job.State.ShouldBe(JobState.Failed);
        job.FailedReason!.ShouldStartWith(reason);
        job.AttemptsMade.ShouldBe(1);
        (await app.RunJobAsync("Read_User", new { Id = id, Token = token })).ShouldAnswer(false, "The user does not exist.");
    }

    [Fact]
    public async Task JobWithoutAnIdOrWithDataThatIsNotAnObjectFails()
    {
        await using var app = new AccountsApplication(JobTestKit.GatewaySettings());

        (await app.RunJobAsync("Read_User", new { Token = "x" })).ShouldBeRejected("The job's Id is required.");
        (await app.RunJobAsync("Read_User", new[] { 1, 2 })).ShouldBeRejected("The job's data must be a JSON object.");
    }

    [Fact]
    public async Task AccessTokenActsOnlyForItsOwnAccountAndDeletionAsksThePassword()
    {
        await using var app = new AccountsApplication();
        using var client = app.CreateClient();
        var ada = await app.RegisterAsync(client, "ada", "ada@example.com");
        var bob = await app.RegisterAsync(client, "bob", "bob@example.com");
        var adaId = (string)ada["id"]!;
        var bobId = (string)bob["id"]!;
        var token = (await app.SignInAsync(client, "ada")).AccessToken;

        var read = await app.RunJobAsync("Read_User", new { Id = adaId, Token = token });
        read.State.ShouldBe(JobState.Completed);
        ((string?)read.ReturnValue!["Message"]!["Name"]).ShouldBe("ada");

        (await app.RunJobAsync("Read_User", new { Id = bobId, Token = token })).ShouldBeRejected("Session expired. Please log in again.");
        (await app.RunJobAsync("Delete_User", new { Id = bobId, Token = token })).ShouldBeRejected("Session expired. Please log in again.");
        (await app.RunJobAsync("Delete_User", new { Id = adaId, Token = token })).ShouldBeRejected("The password is required to delete the account.");
        (await app.RunJobAsync("Delete_User", new { Id = adaId, Token = token, Password = "not the password" })).ShouldAnswer(false, "The password is incorrect.");
        (await app.RunJobAsync("Delete_User", new { Id = adaId, Token = token, Password })).ShouldAnswer(true, "Successfully deleted");

        // The deletion ended the session: the same token no longer acts.
        (await app.RunJobAsync("Read_User", new { Id = adaId, Token = token })).ShouldBeRejected("Session expired. Please log in again.");
    }

    [Fact]
    public async Task PasswordChangeWithAnAccessTokenNeedsTheCurrentPassword()
    {
        await using var app = new AccountsApplication();
        using var client = app.CreateClient();
        var adaId = (string)(await app.RegisterAsync(client, "ada", "ada@example.com"))["id"]!;
        var token = (await app.SignInAsync(client, "ada")).AccessToken;

        (await app.RunJobAsync("Update_User", new { Id = adaId, Username = "Ada", Password = NewPassword, Token = token }))
            .ShouldBeRejected("The current password is required to set a new one.");
        (await app.RunJobAsync("Update_User", new { Id = adaId, Username = "Ada", Password = NewPassword, CurrentPassword = Password, Token = token }))
            .ShouldAnswer(true, "User updated successfully");
        await app.SignInAsync(client, "ada", NewPassword);
    }

    [Fact]
    public async Task VerifyUserAddsTokensToTheReturnValueOnlyWhenConfigured()
    {
        var settings = JobTestKit.GatewaySettings();
        settings["Accounts:Queues:VerifyUserIssuesTokens"] = "true";
        await using var app = new AccountsApplication(settings);
        using var client = app.CreateClient();
        var adaId = (string)(await app.RegisterAsync(client, "ada", "ada@example.com"))["id"]!;

        var job = await app.RunJobAsync("Verify_User", new { Id = adaId, Password, Token = JobTestKit.GatewayToken(adaId, app.Clock.GetUtcNow()) });

        job.ShouldAnswer(true, "The user exist");
        var accessToken = (string)job.ReturnValue!["Tokens"]!["accessToken"]!;
        using var authorized = app.CreateClient(accessToken);
        (await authorized.GetAsync("/v1/users/me", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);

        await using var plain = new AccountsApplication(JobTestKit.GatewaySettings());
        using var plainClient = plain.CreateClient();
        var bobId = (string)(await plain.RegisterAsync(plainClient, "bob", "bob@example.com"))["id"]!;
        var check = await plain.RunJobAsync("Verify_User", new { Id = bobId, Password, Token = JobTestKit.GatewayToken(bobId, plain.Clock.GetUtcNow()) });
        check.ShouldAnswer(true, "The user exist");
        check.ReturnValue!.AsObject().ContainsKey("Tokens").ShouldBeFalse();
    }

    [Fact]
    public async Task OnlyTheEnabledQueuesAreWorked()
    {
        var settings = JobTestKit.GatewaySettings();
        settings["Accounts:Queues:Enabled"] = "Read_User";
        await using var app = new AccountsApplication(settings);
        var id = "user-" + Guid.NewGuid().ToString("N");
        var token = JobTestKit.GatewayToken(id, app.Clock.GetUtcNow());
        var ct = TestContext.Current.CancellationToken;

        var verification = await app.Queue().AddAsync("Verification", JsonNode.Parse($$"""{"Id":"{{id}}","Phone":"{{Phone}}","Token":"{{token}}"}"""), cancellationToken: ct);
        (await app.RunJobAsync("Read_User", new { Id = id, Token = token })).ShouldAnswer(false, "The user does not exist.");

        (await app.Queue().GetAsync("Verification", verification, ct))!.State.ShouldBe(JobState.Waiting);
        app.OutboxMessages().ShouldBeEmpty();
    }
}
