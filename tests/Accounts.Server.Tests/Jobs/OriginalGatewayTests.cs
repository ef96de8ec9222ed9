using System.Text.Json.Nodes;
using Accounts.Testing;

namespace Accounts.Server.Tests.Jobs;

/// <summary>
/// The original deployment around Accounts, with its real npm parts: a gateway adding jobs with bull@4 (and signing
/// their tokens as it did), the socket.io messages server relaying <c>Profile</c> to rooms, and socket.io-client
/// browsers in rooms <c>&lt;Id&gt;_&lt;Suffix&gt;</c>. Needs Redis (ACCOUNTS_TEST_REDIS, set by ./test.sh) and Node.
/// </summary>
public sealed class OriginalGatewayTests
{
    private const string Phone = "+14155550199";
    private const string Password = "correct horse battery staple";

    private static readonly string[] Suffixes = ["Verification", "Create_User", "Read_User", "Update_User", "Verify_User", "Delete_User"];

    [Fact]
    public async Task WholeSequenceRunsOnBullAndReachesTheRoomsThroughSocketIo()
    {
        var redis = Environment.GetEnvironmentVariable("ACCOUNTS_TEST_REDIS");
        Assert.SkipWhen(string.IsNullOrEmpty(redis), "Needs Redis for Bull: ACCOUNTS_TEST_REDIS (./test.sh sets it).");
        Assert.SkipWhen(NodeProcess.NodePath is null, "Needs Node.js for bull, socket.io and socket.io-client.");
        var ct = TestContext.Current.CancellationToken;
        var id = "u" + Guid.NewGuid().ToString("N");
        var prefix = "gw" + Guid.NewGuid().ToString("N")[..12];

        var (messages, ready) = await NodeProcess.StartAsync("messages-server.js", new { port = 0, rooms = Suffixes.Select(s => $"{id}_{s}").ToArray() }, ct);
        await using var _ = messages;
        var settings = JobTestKit.GatewaySettings();
        settings["Accounts:Redis"] = redis;
        settings["Accounts:RedisKeyPrefix"] = prefix + ":";
        settings["Accounts:Queues:Prefix"] = prefix;
        settings["Accounts:Notifications:SocketIo:Url"] = $"http://127.0.0.1:{(int)ready["port"]!}";
        await using var app = new AccountsApplication(settings, realTime: true);
        using var client = app.CreateClient();

        var (gateway, _) = await NodeProcess.StartAsync("gateway.js", new { redis, prefix, secret = JobTestKit.GatewaySecret }, ct);
        await using var __ = gateway;
        var step = 0;
        async Task<JsonObject> RunAsync(string queue, object data, object? opts = null)
        {
            var reference = "r" + ++step;
            await gateway.SendAsync(new { @ref = reference, add = queue, data, sign = true, opts });
            return await gateway.WaitForAsync("finished", line => (string?)line["ref"] == reference, cancellationToken: ct);
        }

        async Task ExpectAsync(JsonObject finished, string suffix, Func<JsonNode?, bool> message, string? notified = null)
        {
            ((bool)finished["completed"]!).ShouldBeTrue(finished.ToJsonString());
            var value = finished["value"]!;
            ((bool)value["Status"]!).ShouldBeTrue(finished.ToJsonString());
            message(value["Message"]).ShouldBeTrue(finished.ToJsonString());

            // The browser in room <Id>_<Suffix> hears the same through the messages server (for Verification, what the
            // code sender says once the code is out).
            var response = await messages.WaitForAsync("response", line => (string?)line["room"] == $"{id}_{suffix}", cancellationToken: ct);
            ((bool)response["status"]!).ShouldBeTrue();
            JsonNode.DeepEquals(response["message"], notified is null ? value["Message"] : JsonValue.Create(notified)).ShouldBeTrue(response.ToJsonString());
        }

        static Func<JsonNode?, bool> Says(string text) => node => (string?)node == text;

        await ExpectAsync(await RunAsync("Verification", new { Id = id, Phone }), "Verification", Says("The verification code has been requested"), notified: "The verification code has been sent");
        var code = app.LatestCode(Phone);
        await ExpectAsync(await RunAsync("Create_User", new { Id = id, Username = "Ada Lovelace", Phone, Image = JobTestKit.Png, Password, Code = code }), "Create_User", Says("User created successfully"));
        await ExpectAsync(
            await RunAsync("Read_User", new { Id = id }),
            "Read_User",
            node => node is JsonObject profile && (string?)profile["Phone"] == Phone && (string?)profile["Name"] == "Ada Lovelace" && (string?)profile["Image"] == JobTestKit.Png && profile.Count == 3);
        await ExpectAsync(await RunAsync("Update_User", new { Id = id, Username = "Ada King", Phone, Image = JobTestKit.Png, Password = "a new passphrase here" }), "Update_User", Says("User updated successfully"));
        await ExpectAsync(await RunAsync("Verify_User", new { Id = id, Password = "a new passphrase here" }), "Verify_User", Says("The user exist"));
        await ExpectAsync(await RunAsync("Delete_User", new { Id = id }), "Delete_User", Says("Successfully deleted"));

        // A job that fails shows its reason in Node, as getFailed() reads it (kept: removeOnFail false).
        var failed = await RunAsync("Create_User", new { Id = "other-" + id, Username = "Bob", Password, Code = code }, new { removeOnFail = false });
        ((bool)failed["completed"]!).ShouldBeFalse();
        ((string?)failed["reason"]).ShouldBe("The job's Phone is required.");
        await gateway.SendAsync(new { @ref = "failed", failed = "Create_User" });
        var list = await gateway.WaitForAsync("failed", line => (string?)line["ref"] == "failed", cancellationToken: ct);
        list["jobs"]!.AsArray().ShouldContain(job => (string?)job!["id"] == (string?)failed["jobId"] && (string?)job["failedReason"] == "The job's Phone is required.");

        await gateway.SendAsync(new { @ref = "counts", counts = "Create_User" });
        var counts = (await gateway.WaitForAsync("counts", line => (string?)line["ref"] == "counts", cancellationToken: ct))["counts"]!;
        ((int)counts["waiting"]!).ShouldBe(0);
        ((int)counts["active"]!).ShouldBe(0);
        ((int)counts["failed"]!).ShouldBe(1);
        ((int)counts["completed"]!).ShouldBe(0, "the gateway's jobs are removed on completion");
    }
}
