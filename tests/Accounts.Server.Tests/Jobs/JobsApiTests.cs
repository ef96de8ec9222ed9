using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Accounts.Server.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace Accounts.Server.Tests.Jobs;

/// <summary><c>POST /v1/jobs/{queue}</c> and <c>GET /v1/jobs/{queue}/{id}</c>: the queues for clients without Bull.</summary>
public sealed class JobsApiTests
{
    private const string Phone = "+14155550177";

    [Fact]
    public async Task VerificationBeforeSignInIsAcceptedWithATicketAndRuns()
    {
        await using var app = new AccountsApplication();
        using var client = app.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var id = "user-" + Guid.NewGuid().ToString("N");

        var response = await client.PostAsJsonAsync("/v1/jobs/Verification", new { Id = id, Phone }, ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(ct));
        var accepted = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
        var jobId = (string)accepted["jobId"]!;
        ((string)accepted["ticket"]!).ShouldStartWith("jt_");
        response.Headers.Location!.ToString().ShouldBe($"/v1/jobs/Verification/{jobId}");

        var state = await CompletedAsync(client, "Verification", jobId);
        state.ToJsonString().ShouldNotContain(Phone);
        ((string?)app.OutboxMessages().ShouldHaveSingleItem()["destination"]).ShouldBe(Phone);
    }

    [Fact]
    public async Task AccountJobsNeedTheAccountsOwnAccessToken()
    {
        await using var app = new AccountsApplication();
        using var anonymous = app.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var ada = (string)(await app.RegisterAsync(anonymous, "ada", "ada@example.com"))["id"]!;
        var bob = (string)(await app.RegisterAsync(anonymous, "bob", "bob@example.com"))["id"]!;
        using var asAda = app.CreateClient((await app.SignInAsync(anonymous, "ada")).AccessToken);

        await ShouldBeProblemAsync(await anonymous.PostAsJsonAsync("/v1/jobs/Read_User", new { Id = ada }, ct), HttpStatusCode.Unauthorized, "sign_in_required");
        await ShouldBeProblemAsync(await asAda.PostAsJsonAsync("/v1/jobs/Delete_User", new { Id = bob }, ct), HttpStatusCode.Forbidden, "not_your_account");
        using var forged = app.CreateClient("not-a-token");
        await ShouldBeProblemAsync(await forged.PostAsJsonAsync("/v1/jobs/Read_User", new { Id = ada }, ct), HttpStatusCode.Unauthorized, "invalid_token");

        // Without an Id the token's subject is the job's; no ticket: the user listens with the access token.
        var response = await asAda.PostAsJsonAsync("/v1/jobs/Read_User", new { }, ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var accepted = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!;
        accepted["ticket"].ShouldBeNull();
        await CompletedAsync(asAda, "Read_User", (string)accepted["jobId"]!);
    }

    [Fact]
    public async Task BadRequestsAreProblemsAndAddNothing()
    {
        await using var app = new AccountsApplication();
        using var client = app.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        await ShouldBeProblemAsync(await client.PostAsJsonAsync("/v1/jobs/Send_Spam", new { Id = "ada" }, ct), HttpStatusCode.NotFound, "unknown_queue");
        await ShouldBeProblemAsync(await client.PostAsync("/v1/jobs/Verification", new StringContent("[1,2]", System.Text.Encoding.UTF8, "application/json"), ct), HttpStatusCode.BadRequest, "invalid_job_data");
        await ShouldBeProblemAsync(await client.PostAsJsonAsync("/v1/jobs/Verification", new { Id = "spaces are not allowed", Phone }, ct), HttpStatusCode.BadRequest, "invalid_id");
        await ShouldBeProblemAsync(await client.PostAsJsonAsync("/v1/jobs/Verification", new { Phone }, ct), HttpStatusCode.BadRequest, "invalid_id");
        await ShouldBeProblemAsync(await client.PostAsJsonAsync("/v1/jobs/Verification", new { Id = "ada", Phone, Phnoe = Phone }, ct), HttpStatusCode.BadRequest, "unknown_field");
        await ShouldBeProblemAsync(await client.GetAsync("/v1/jobs/Verification/999999", ct), HttpStatusCode.NotFound, "job_not_found");
        (await app.Queue().GetCountsAsync("Verification", ct)).Waiting.ShouldBe(0);
    }

    [Fact]
    public async Task RejectedJobReportsItsReasonAfterBullRemovedIt()
    {
        await using var app = new AccountsApplication();
        using var client = app.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        var response = await client.PostAsJsonAsync("/v1/jobs/Create_User", new { Id = "ada-id", Username = "Ada", Phone, Password = "short", Code = "123456" }, ct);
        var jobId = (string)(await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["jobId"]!;

        var state = await FinishedAsync(client, "Create_User", jobId);
        ((string?)state["state"]).ShouldBe("failed");
        ((string?)state["failedReason"]).ShouldBe("The password must be at least 8 characters.");
        (await app.Queue().GetAsync("Create_User", jobId, ct)).ShouldBeNull("the job, holding a password, is gone");
    }

    [Fact]
    public async Task JobTokensAreGoodForTheirQueueAndIdUntilTheyExpire()
    {
        await using var app = new AccountsApplication();
        using var _ = app.CreateClient();
        var tokens = app.Services.GetRequiredService<JobTokens>();
        var token = tokens.Issue("Verification", "ada");

        tokens.IsValid(token, "Verification", "ada").ShouldBeTrue();
        tokens.IsValid(token, "Create_User", "ada").ShouldBeFalse();
        tokens.IsValid(token, "Verification", "bob").ShouldBeFalse();
        tokens.IsValid(token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1], "Verification", "ada").ShouldBeFalse();

        app.Clock.Advance(TimeSpan.FromMinutes(10));
        tokens.IsValid(token, "Verification", "ada").ShouldBeFalse();
    }

    private static async Task<JsonObject> CompletedAsync(HttpClient client, string queue, string jobId)
    {
        var state = await FinishedAsync(client, queue, jobId);
        ((string?)state["state"]).ShouldBe("completed", state.ToJsonString());
        return state;
    }

    private static async Task<JsonObject> FinishedAsync(HttpClient client, string queue, string jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await client.GetAsync($"/v1/jobs/{queue}/{jobId}", TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var state = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
                state.ContainsKey("data").ShouldBeFalse();
                if ((string?)state["state"] is "completed" or "failed")
                {
                    return state;
                }
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"job {queue}/{jobId} did not finish");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private static async Task ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        ((string?)JsonNode.Parse(body)!["code"]).ShouldBe(code);
    }
}
