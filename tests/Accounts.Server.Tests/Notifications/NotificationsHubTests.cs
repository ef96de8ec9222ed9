using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Accounts.Core;
using Accounts.Notifications;
using Accounts.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Accounts.Server.Tests.Notifications;

/// <summary>
/// The notifications hub through the real @microsoft/signalr client (tests/node/signalr-client.js), on the service
/// served by Kestrel; once with the feed and tickets in the process, once in Redis. Outcomes are published as a job
/// handler publishes them. Each check that something was not received waits for a later outcome on the same
/// connection first: outcomes reach a connection in order, so a wrongly delivered one would have arrived before it.
/// </summary>
public abstract class NotificationsHubTests
{
    protected NotificationsHubTests() => Assert.SkipWhen(NodeProcess.NodePath is null, "Node.js is not on the PATH: the hub is tested with the npm client.");

    /// <summary>Settings over the test stack's.</summary>
    protected abstract Dictionary<string, string?> Settings { get; }

    [Fact]
    public async Task UserHearsTheirOwnOutcome()
    {
        await using var server = HubTestServer.Start(Settings);
        var (adaId, adaToken) = await server.SignUpAsync("ada");
        var ada = await server.ConnectAsync(adaToken);
        ada.Connected.ShouldBeTrue(ada.RefusedBecause);

        await server.PublishAsync(adaId, "Read_User", "41", new JsonObject { ["Username"] = "ada" });

        var outcome = await ada.WaitForOutcomeAsync("Read_User", "41");
        ((string?)outcome["id"]).ShouldBe($"{adaId}_Read_User");
        ((bool?)outcome["status"]).ShouldBe(true);
        ((string?)outcome["message"]!["Username"]).ShouldBe("ada");
        DateTimeOffset.Parse((string)outcome["at"]!, CultureInfo.InvariantCulture).ShouldBe(server.App.Clock.GetUtcNow());
        outcome.Select(p => p.Key).Order().ShouldBe(["at", "id", "jobId", "message", "operation", "status"]);
    }

    [Fact]
    public async Task AnotherUserHearsOnlyTheirOwnOutcomesWhateverTheyAskFor()
    {
        await using var server = HubTestServer.Start(Settings);
        var (adaId, adaToken) = await server.SignUpAsync("ada");
        var (bobId, bobToken) = await server.SignUpAsync("bob");
        var ada = await server.ConnectAsync(adaToken);
        // Parameters naming someone else choose nothing: the token decides whose outcomes a connection hears.
        var bob = await server.ConnectAsync(bobToken, url: $"{server.HubUrl}?userId={adaId}&user={adaId}&room={adaId}_Read_User");
        ada.Connected.ShouldBeTrue(ada.RefusedBecause);
        bob.Connected.ShouldBeTrue(bob.RefusedBecause);

        await server.PublishAsync(adaId, "Read_User", "a1");
        await server.PublishAsync(bobId, "Read_User", "b1");
        await server.PublishAsync(adaId, "Update_User", "a2");

        await bob.WaitForOutcomeAsync("Read_User", "b1");
        await ada.WaitForOutcomeAsync("Update_User", "a2");
        bob.Received().ShouldBe(["Read_User/b1"]);
        ada.Received().ShouldBe(["Read_User/a1", "Update_User/a2"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZGEifQ.")]
    [InlineData("jt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task ConnectionWithoutAnActiveTokenOrALiveTicketIsRefused(string? credential)
    {
        await using var server = HubTestServer.Start(Settings);

        var client = await server.ConnectAsync(credential);

        client.Connected.ShouldBeFalse();
        // Refused over HTTP, before any connection exists.
        (await server.Http.PostAsync("/hubs/notifications/negotiate?negotiateVersion=1", null, TestContext.Current.CancellationToken))
            .StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TicketHearsItsJobsOutcomeOnly()
    {
        await using var server = HubTestServer.Start(Settings);
        var ticket = await IssueAsync(server, new JobTicketScope("Verification", "7", "+15550100"));
        var client = await server.ConnectAsync(ticket);
        client.Connected.ShouldBeTrue(client.RefusedBecause);

        await server.PublishAsync("+15550100", "Verification", "8");
        await server.PublishAsync("+15550100", "Create_User", "7");
        await server.PublishAsync("someone-else", "Verification", "7");
        await server.PublishAsync("+15550100", "Verification", "7", JsonValue.Create("code sent"));

        var outcome = await client.WaitForOutcomeAsync("Verification", "7");
        ((string?)outcome["message"]).ShouldBe("code sent");
        client.Received().ShouldBe(["Verification/7"], string.Join("\n", client.Node.Lines().Select(l => l.ToJsonString())));
    }

    [Fact]
    public async Task TicketOpensOneConnectionOnly()
    {
        await using var server = HubTestServer.Start(Settings);
        var ticket = await IssueAsync(server, new JobTicketScope("Verification", "9", "+15550101"));
        var first = await server.ConnectAsync(ticket);

        var second = await server.ConnectAsync(ticket);

        first.Connected.ShouldBeTrue(first.RefusedBecause);
        second.Connected.ShouldBeFalse();
        await server.PublishAsync("+15550101", "Verification", "9");
        await first.WaitForOutcomeAsync("Verification", "9");
    }

    [Fact]
    public async Task OutcomeProducedBeforeTheClientListenedIsDeliveredOnConnect()
    {
        await using var server = HubTestServer.Start(Settings);
        var (adaId, adaToken) = await server.SignUpAsync("ada");
        var ticket = await IssueAsync(server, new JobTicketScope("Create_User", "12", adaId));
        await server.PublishAsync(adaId, "Verification", "11");
        await server.PublishAsync(adaId, "Create_User", "12");

        var ada = await server.ConnectAsync(adaToken);
        var job = await server.ConnectAsync(ticket);

        await ada.WaitForOutcomeAsync("Create_User", "12");
        await job.WaitForOutcomeAsync("Create_User", "12");
        // Then live: the user's connection hears all of theirs, the job's only the job's.
        await server.PublishAsync(adaId, "Read_User", "13");
        await server.PublishAsync(adaId, "Create_User", "12", status: false);
        await ada.WaitForOutcomeAsync(o => (string?)o["jobId"] == "12" && (bool?)o["status"] == false);
        await job.WaitForOutcomeAsync(o => (string?)o["jobId"] == "12" && (bool?)o["status"] == false);
        ada.Received().ShouldBe(["Verification/11", "Create_User/12", "Read_User/13", "Create_User/12"]);
        job.Received().ShouldBe(["Create_User/12", "Create_User/12"]);
    }

    [Fact]
    public async Task OutcomeIsKeptForKeepForAndNoLonger()
    {
        await using var server = HubTestServer.Start(Settings);
        var keepFor = server.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<NotificationOptions>>().Value.KeepFor;
        var (adaId, adaToken) = await server.SignUpAsync("ada");
        await server.PublishAsync(adaId, "Read_User", "old");

        server.App.Clock.Advance(keepFor - TimeSpan.FromSeconds(1));
        var justInTime = await server.ConnectAsync(adaToken);
        await justInTime.WaitForOutcomeAsync("Read_User", "old");

        server.App.Clock.Advance(TimeSpan.FromSeconds(1));
        var late = await server.ConnectAsync(adaToken);
        await server.PublishAsync(adaId, "Read_User", "new");
        await late.WaitForOutcomeAsync("Read_User", "new");
        late.Received().ShouldBe(["Read_User/new"]);
    }

    [Fact]
    public async Task ConnectionEndsWhenItsSessionEnds()
    {
        await using var server = HubTestServer.Start(Settings);
        var (adaId, adaToken) = await server.SignUpAsync("ada");
        var ada = await server.ConnectAsync(adaToken);
        await server.PublishAsync(adaId, "Read_User", "before");
        await ada.WaitForOutcomeAsync("Read_User", "before");

        using var signOut = new HttpRequestMessage(HttpMethod.Delete, "/v1/sessions/current");
        signOut.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adaToken);
        (await server.Http.SendAsync(signOut, TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await ada.WaitForCloseAsync();
        (await server.ConnectAsync(adaToken)).Connected.ShouldBeFalse();
    }

    [Fact]
    public async Task ConnectionEndsWhenItsTokenExpires()
    {
        await using var server = HubTestServer.Start(Settings);
        var lifetime = server.App.Services.GetRequiredService<TokenOptions>().AccessTokenLifetime;
        var (_, adaToken) = await server.SignUpAsync("ada");
        var ada = await server.ConnectAsync(adaToken);
        ada.Connected.ShouldBeTrue(ada.RefusedBecause);

        server.App.Clock.Advance(lifetime);

        await ada.WaitForCloseAsync();
    }

    [Fact]
    public async Task ServerSentEventsCarryTokenAndTicketConnectionsToo()
    {
        await using var server = HubTestServer.Start(Settings);
        var (adaId, adaToken) = await server.SignUpAsync("ada");
        var ticket = await IssueAsync(server, new JobTicketScope("Verification", "21", "+15550102"));

        // Over SSE the client sends the credential as access_token in the query for the stream and as a header for
        // its messages; the ticket is spent by the stream's request and the messages still pass.
        var ada = await server.ConnectAsync(adaToken, transport: "ServerSentEvents");
        var job = await server.ConnectAsync(ticket, transport: "ServerSentEvents");
        ada.Connected.ShouldBeTrue(ada.RefusedBecause);
        job.Connected.ShouldBeTrue(job.RefusedBecause);

        await server.PublishAsync(adaId, "Read_User", "20");
        await server.PublishAsync("+15550102", "Verification", "21");
        await ada.WaitForOutcomeAsync("Read_User", "20");
        await job.WaitForOutcomeAsync("Verification", "21");
    }

    [Fact]
    public async Task LongPollingIsNotOffered()
    {
        await using var server = HubTestServer.Start(Settings);
        var (_, adaToken) = await server.SignUpAsync("ada");

        var ada = await server.ConnectAsync(adaToken, transport: "LongPolling");

        ada.Connected.ShouldBeFalse();
    }

    private static Task<string> IssueAsync(HubTestServer server, JobTicketScope scope) =>
        server.App.Services.GetRequiredService<IJobTickets>().IssueAsync(scope, TestContext.Current.CancellationToken);
}

/// <summary>The hub with the feed and tickets of the test stack: in the process on the embedded default.</summary>
public sealed class NotificationsHubInProcessTests : NotificationsHubTests
{
    protected override Dictionary<string, string?> Settings => [];
}

/// <summary>The hub with the feed and tickets in Redis (<c>ACCOUNTS_TEST_REDIS</c>), whatever the test stack.</summary>
public sealed class NotificationsHubOnRedisTests : NotificationsHubTests
{
    public NotificationsHubOnRedisTests() =>
        Assert.SkipWhen(NotificationTestSupport.RedisEndpoint is null, "ACCOUNTS_TEST_REDIS is not set (./test.sh sets it).");

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Accounts:Redis"] = NotificationTestSupport.RedisEndpoint,
        ["Accounts:RedisKeyPrefix"] = NotificationTestSupport.NewPrefix(),
    };

    [Fact]
    public async Task TheFeedAndTicketsAreRedis()
    {
        await using var server = HubTestServer.Start(Settings);

        server.App.Services.GetRequiredService<IOutcomeFeed>().ShouldBeOfType<RedisOutcomeFeed>();
        server.App.Services.GetRequiredService<IJobTickets>().ShouldBeOfType<RedisJobTickets>();
    }
}
