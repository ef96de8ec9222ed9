using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Accounts.Notifications;
using Accounts.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Accounts.Server.Tests.Notifications;

/// <summary>
/// A deployment of several processes on one Redis: the real server binary holds the hub connections, and another
/// process (the test's, as a queue worker would) issues a ticket and publishes the outcomes.
/// </summary>
public sealed class NotificationsAcrossProcessesTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "accounts-notifications-multi", Guid.NewGuid().ToString("N"));
    private readonly List<NodeProcess> _clients = [];
    private Func<ValueTask> _dropStack = () => ValueTask.CompletedTask;
    private Process? _server;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        if (_server is not null)
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync(CancellationToken.None);
            _server.Dispose();
        }

        await _dropStack();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    [Fact]
    public async Task OutcomePublishedByOneProcessReachesTheHubClientsOfAnother()
    {
        Assert.SkipWhen(NodeProcess.NodePath is null, "Node.js is not on the PATH: the hub is tested with the npm client.");
        Assert.SkipWhen(NotificationTestSupport.RedisEndpoint is null, "ACCOUNTS_TEST_REDIS is not set (./test.sh sets it).");
        var ct = TestContext.Current.CancellationToken;
        var settings = SharedSettings();
        var (hubProcess, outbox) = await StartServerAsync(settings);
        await using var worker = new AccountsApplication(settings);

        var userId = await RegisterAsync(hubProcess, outbox, "ada");
        var accessToken = (string)(await (await hubProcess.PostAsJsonAsync("/v1/sessions", new { login = "ada", password = TestUsers.Password }, ct))
            .Content.ReadFromJsonAsync<JsonObject>(ct))!["accessToken"]!;
        var ticket = await worker.Services.GetRequiredService<IJobTickets>().IssueAsync(new JobTicketScope("Verification", "31", "+15550103"), ct);
        var user = await ConnectAsync(hubProcess.BaseAddress!, accessToken);
        var job = await ConnectAsync(hubProcess.BaseAddress!, ticket);

        var publisher = worker.Services.GetRequiredService<IOutcomePublisher>();
        await publisher.PublishAsync(new Outcome(userId, "Read_User", "30", true, new JsonObject { ["Username"] = "ada" }, worker.Clock.GetUtcNow()), ct);
        await publisher.PublishAsync(new Outcome("+15550103", "Verification", "31", true, JsonValue.Create("code sent"), worker.Clock.GetUtcNow()), ct);

        var heard = await user.WaitForAsync("outcome", line => (string?)line["outcome"]!["jobId"] == "30", cancellationToken: ct);
        ((string?)heard["outcome"]!["message"]!["Username"]).ShouldBe("ada");
        var heardByTicket = await job.WaitForAsync("outcome", line => (string?)line["outcome"]!["jobId"] == "31", cancellationToken: ct);
        ((string?)heardByTicket["outcome"]!["message"]).ShouldBe("code sent");
    }

    /// <summary>What every process of the deployment shares: the test stack, Redis with one prefix, the same keys.</summary>
    private Dictionary<string, string?> SharedSettings()
    {
        (var settings, _dropStack) = TestStack.Prepare();
        if (TestStack.IsEmbedded)
        {
            // Each process has its own SQLite file here; only Redis and the keys are shared, which is all this needs.
            using var signing = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            settings["Accounts:Redis"] = NotificationTestSupport.RedisEndpoint;
            settings["Accounts:RedisKeyPrefix"] = NotificationTestSupport.NewPrefix();
            settings["Accounts:Keys:Signing:0:Id"] = "sig1";
            settings["Accounts:Keys:Signing:0:PrivateKeyPem"] = signing.ExportPkcs8PrivateKeyPem();
            settings["Accounts:Keys:Encryption:0:Id"] = "enc1";
            settings["Accounts:Keys:Encryption:0:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            settings["Accounts:Keys:IndexKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        }

        settings["Accounts:Passwords:MemoryKiB"] = "8192";
        settings["Accounts:Passwords:Iterations"] = "1";
        return settings;
    }

    private async Task<(HttpClient Client, string Outbox)> StartServerAsync(Dictionary<string, string?> shared)
    {
        Directory.CreateDirectory(_data);
        var port = ServerProcess.FreePort();
        _server = ServerProcess.Start(new Dictionary<string, string?>(shared)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Accounts:DataDirectory"] = _data,
        });
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).IsSuccessStatusCode)
                {
                    return (client, Path.Combine(_data, "outbox.jsonl"));
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !_server.HasExited)
            {
            }

            _server.HasExited.ShouldBeFalse("the server process exited during start-up");
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the server did not become ready");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<string> RegisterAsync(HttpClient client, string outbox, string username)
    {
        var ct = TestContext.Current.CancellationToken;
        var email = $"{username}@example.com";
        (await client.PostAsJsonAsync("/v1/verifications", new { channel = "email", destination = email, purpose = "register" }, ct)).EnsureSuccessStatusCode();
        var code = await OutboxFiles.NextCodeAsync(email, new HashSet<string>(), outbox);
        var response = await client.PostAsJsonAsync("/v1/users", new { username, password = TestUsers.Password, email, code }, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created, body);
        return (string)JsonNode.Parse(body)!["id"]!;
    }

    private async Task<NodeProcess> ConnectAsync(Uri server, string token)
    {
        var (node, _) = await NodeProcess.StartAsync("signalr-client.js", new { url = new Uri(server, "/hubs/notifications").ToString(), token }, TestContext.Current.CancellationToken);
        _clients.Add(node);
        var start = await node.WaitForAsync("start", cancellationToken: TestContext.Current.CancellationToken);
        ((bool)start["connected"]!).ShouldBeTrue((string?)start["message"]);
        return node;
    }
}
