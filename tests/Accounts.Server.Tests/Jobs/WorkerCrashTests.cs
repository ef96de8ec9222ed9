using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Accounts.Queues;
using Accounts.Queues.Bull;
using Accounts.Redis;

namespace Accounts.Server.Tests.Jobs;

/// <summary>
/// A worker process killed (SIGKILL) in the middle of a <c>Create_User</c> job: another process picks the job up once
/// its lock expires, and the account exists exactly once. Runs on the server stacks (shared database and Redis).
/// </summary>
public sealed class WorkerCrashTests : IAsyncLifetime
{
    private const string Phone = "+14155550142";
    private const string Password = "correct horse battery staple";

    private readonly List<Process> _processes = [];
    private readonly List<string> _directories = [];
    private Func<ValueTask> _dropStack = () => ValueTask.CompletedTask;
    private Dictionary<string, string?> _settings = null!;
    private RedisClient _redis = null!;
    private BullJobQueue _queue = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.SkipWhen(TestStack.IsEmbedded, "Two worker processes need a shared database and Redis: run with ACCOUNTS_TEST_STACK=mariadb or postgres.");
        (_settings, _dropStack) = TestStack.Prepare();
        _settings["Accounts:Queues:LegacyTokenSecret"] = JobTestKit.GatewaySecret;
        foreach (var queue in new[] { "Verification", "Create_User" })
        {
            // Short locks, frequent checks: the dead worker's job comes back in seconds, not in Bull's 30.
            _settings[$"Accounts:Queues:Workers:{queue}:LockDuration"] = "00:00:02";
            _settings[$"Accounts:Queues:Workers:{queue}:StalledInterval"] = "00:00:01";
        }

        _redis = new RedisClient(RedisOptions.Parse(_settings["Accounts:Redis"]!));
        _queue = new BullJobQueue(_redis, new BullQueueOptions { Prefix = _settings["Accounts:Queues:Prefix"]! });
        await Task.CompletedTask;
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

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        await _dropStack();
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task JobOfAKilledWorkerRunsElsewhereAndTheUserExistsOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var id = "crash-" + Guid.NewGuid().ToString("N");
        string Token() => JobTestKit.GatewayToken(id, DateTimeOffset.UtcNow);

        // The first worker hashes slowly (256 MiB, 32 passes: seconds), so it is surely killed mid-job.
        var (slow, slowOutbox, _) = await StartAsync(new()
        {
            ["Accounts:Queues:Enabled"] = "Verification,Create_User",
            ["Accounts:Passwords:MemoryKiB"] = "262144",
            ["Accounts:Passwords:Iterations"] = "32",
        });

        var verification = await _queue.AddAsync("Verification", new JsonObject { ["Id"] = id, ["Phone"] = Phone, ["Token"] = Token() }, cancellationToken: ct);
        (await FinishedAsync("Verification", verification)).ReturnValue!["Status"]!.GetValue<bool>().ShouldBeTrue();
        var code = await OutboxFiles.NextCodeAsync(Phone, new HashSet<string>(), slowOutbox);

        var job = await _queue.AddAsync(
            "Create_User",
            new JsonObject { ["Id"] = id, ["Username"] = "Ada", ["Phone"] = Phone, ["Password"] = Password, ["Code"] = code, ["Token"] = Token() },
            cancellationToken: ct);
        await UntilAsync(async () => (await _queue.GetAsync("Create_User", job, ct))!.State == JobState.Active, "the first worker took the job");
        slow.Kill();
        await slow.WaitForExitAsync(ct);
        (await _queue.GetAsync("Create_User", job, ct))!.State.ShouldBe(JobState.Active, "the job was still running when its worker died");

        var (_, _, client) = await StartAsync(new()
        {
            ["Accounts:Queues:Enabled"] = "Create_User",
            ["Accounts:Passwords:MemoryKiB"] = "8192",
            ["Accounts:Passwords:Iterations"] = "1",
        });

        var finished = await FinishedAsync("Create_User", job);
        finished.State.ShouldBe(JobState.Completed, finished.FailedReason);
        finished.ReturnValue!["Message"]!.GetValue<string>().ShouldBe("User created successfully");

        // One account: it signs in with the phone, and the id cannot be registered twice.
        var signIn = await client.PostAsJsonAsync("/v1/sessions", new { login = Phone, password = Password }, ct);
        signIn.StatusCode.ShouldBe(HttpStatusCode.OK, await signIn.Content.ReadAsStringAsync(ct));
        var again = await _queue.AddAsync("Create_User", new JsonObject { ["Id"] = id, ["Username"] = "Ada", ["Phone"] = Phone, ["Password"] = Password, ["Code"] = code, ["Token"] = Token() }, cancellationToken: ct);
        (await FinishedAsync("Create_User", again)).ReturnValue!["Message"]!.GetValue<string>().ShouldBe("User exists");
    }

    private async Task<JobInfo> FinishedAsync(string queue, string id)
    {
        JobInfo? job = null;
        await UntilAsync(async () => (job = await _queue.GetAsync(queue, id, TestContext.Current.CancellationToken)) is { State: JobState.Completed or JobState.Failed }, $"job {queue}/{id} finished");
        return job!;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"timed out waiting until {what}");
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    private async Task<(Process Process, string Outbox, HttpClient Client)> StartAsync(Dictionary<string, string?> extra)
    {
        var data = Path.Combine(Path.GetTempPath(), "accounts-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        _directories.Add(data);
        var port = ServerProcess.FreePort();
        var settings = new Dictionary<string, string?>(_settings)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Accounts:DataDirectory"] = data,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var process = ServerProcess.Start(settings);
        _processes.Add(process);
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await UntilAsync(
            async () =>
            {
                process.HasExited.ShouldBeFalse("the server process exited during start-up");
                try
                {
                    return (await client.GetAsync("/health/ready", TestContext.Current.CancellationToken)).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            "the server is ready");
        return (process, Path.Combine(data, "outbox.jsonl"), client);
    }
}
