using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Accounts.Server.Tests;

/// <summary>
/// Two Accounts processes on their own ports sharing one database and one Redis, as a scaled-out deployment runs:
/// they must behave as one service. Runs on the mariadb and postgres stacks (the embedded default is one process).
/// </summary>
public sealed class MultiProcessTests : IAsyncLifetime
{
    private readonly List<Process> _processes = [];
    private readonly List<string> _directories = [];
    private Func<ValueTask> _dropStack = () => ValueTask.CompletedTask;
    private HttpClient _a = null!;
    private HttpClient _b = null!;
    private readonly HashSet<string> _seen = [];
    private string _outboxA = null!;
    private string _outboxB = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.SkipWhen(TestStack.IsEmbedded, "Two processes need a shared database and Redis: run with ACCOUNTS_TEST_STACK=mariadb or postgres.");
        (var settings, _dropStack) = TestStack.Prepare();

        settings["Accounts:Passwords:MemoryKiB"] = "8192";
        settings["Accounts:Passwords:Iterations"] = "1";

        (_a, _outboxA) = await StartAsync(settings);
        (_b, _outboxB) = await StartAsync(settings);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        _a?.Dispose();
        _b?.Dispose();
        await _dropStack();
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task CodeRequestedThroughOneIsAcceptedByTheOther()
    {
        (await _a.PostAsJsonAsync("/v1/verifications", new { channel = "email", destination = "ada@example.com", purpose = "register" }))
            .StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var code = await OutboxFiles.NextCodeAsync("ada@example.com", _seen, _outboxA, _outboxB);

        var response = await _b.PostAsJsonAsync("/v1/users", new { username = "ada", password = TestUsers.Password, email = "ada@example.com", code });

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FailedSignInsThroughBothAddUpToOneLockout()
    {
        await RegisterAsync("grace", "grace@example.com");
        for (var i = 0; i < 9; i++)
        {
            var client = i % 2 == 0 ? _a : _b;
            (await client.PostAsJsonAsync("/v1/sessions", new { login = "grace", password = "wrong password" })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await _b.PostAsJsonAsync("/v1/sessions", new { login = "grace", password = "wrong password" })).StatusCode.ShouldBe(HttpStatusCode.Locked);
        (await _a.PostAsJsonAsync("/v1/sessions", new { login = "grace", password = TestUsers.Password })).StatusCode.ShouldBe(HttpStatusCode.Locked);
    }

    [Fact]
    public async Task SessionRevokedThroughOneIsRejectedByTheOtherAtOnce()
    {
        await RegisterAsync("linus", "linus@example.com");
        var tokens = await (await _a.PostAsJsonAsync("/v1/sessions", new { login = "linus", password = TestUsers.Password })).Content.ReadFromJsonAsync<JsonObject>();
        var access = (string)tokens!["accessToken"]!;

        // B has checked (and cached) the token before A revokes its session.
        (await SendAsync(_b, HttpMethod.Get, "/v1/users/me", access)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(_b, HttpMethod.Get, "/v1/users/me", access)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(_a, HttpMethod.Delete, "/v1/sessions/current", access)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await SendAsync(_b, HttpMethod.Get, "/v1/users/me", access)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private async Task RegisterAsync(string username, string email)
    {
        (await _a.PostAsJsonAsync("/v1/verifications", new { channel = "email", destination = email, purpose = "register" })).EnsureSuccessStatusCode();
        var response = await _a.PostAsJsonAsync("/v1/users", new { username, password = TestUsers.Password, email, code = await OutboxFiles.NextCodeAsync(email, _seen, _outboxA, _outboxB) });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string accessToken)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client.SendAsync(request);
    }

    private async Task<(HttpClient Client, string Outbox)> StartAsync(Dictionary<string, string?> settings)
    {
        var data = Path.Combine(Path.GetTempPath(), "accounts-multi", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        _directories.Add(data);
        var port = ServerProcess.FreePort();
        settings = new Dictionary<string, string?>(settings)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Accounts:DataDirectory"] = data,
        };
        var process = ServerProcess.Start(settings);
        _processes.Add(process);

        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).IsSuccessStatusCode)
                {
                    return (client, Path.Combine(data, "outbox.jsonl"));
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }

            process.HasExited.ShouldBeFalse("the server process exited during start-up");
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the server did not become ready");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
