using System.Text.Json.Nodes;
using Accounts.Queues.Bull;
using Accounts.Queues.Tests.Support;
using Accounts.Redis;
using Accounts.Testing;

namespace Accounts.Queues.Tests.Interop;

/// <summary>
/// Node's bull@4 (tests/node/bull-harness.js) and this project on the same queues in a real Redis: Node adds jobs the way the
/// original gateway did and a C# worker runs them, a C# producer feeds a Node worker, and each side takes over the
/// jobs of the other's dead workers.
/// </summary>
public sealed class NodeBullInteropTests : IAsyncLifetime
{
    private const string QueueName = "Verify_User";

    private readonly string _prefix = TestRedis.UniquePrefix();
    private readonly List<IAsyncDisposable> _cleanup = [];
    private RedisClient _redis = null!;
    private BullJobQueue _queue = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _redis = await TestRedis.ConnectAsync();
        _queue = new BullJobQueue(_redis, new BullQueueOptions { Prefix = _prefix });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task NodeSeesTheOutcomesOfJobsItAddedAsTheGatewayDidThatACSharpWorkerRan()
    {
        var gateway = new { attempts = 1, removeOnComplete = true, removeOnFail = true };
        var (node, ready) = await StartNodeAsync(new
        {
            mode = "produce",
            jobs = new object[]
            {
                new { data = new { Id = "u1", n = 1 }, opts = gateway },
                new { data = new { Id = "u2", n = 2 }, opts = gateway },
                new { data = new { Id = "u3", fail = "Session expired. Please log in again." }, opts = gateway },
                new { data = new { Id = "u4", n = 4, flaky = 2 }, opts = new { attempts = 3, backoff = new { type = "exponential", delay = 100 }, removeOnComplete = true, removeOnFail = true } },
                new { data = new { Id = "u5", fail = "Error processing job" }, opts = new { attempts = 2, backoff = 50, removeOnFail = false } },
                new { data = new { Id = "u6", n = 6 }, opts = new { attempts = 1 } },
                new { data = new { Id = "u7", n = 7 }, opts = new { attempts = 1, delay = 300 } },
            },
        });
        var ids = ready["ids"]!.AsArray().Select(id => (string)id!).ToArray();
        var handler = new RecordingHandler((job, run, _) =>
        {
            if (job.Data!["fail"] is { } reason)
            {
                throw new InvalidOperationException((string)reason!);
            }

            if (job.Data["flaky"] is { } flaky && run <= (int)flaky)
            {
                throw new InvalidOperationException($"flaky run {run}");
            }

            return Task.FromResult<JsonNode?>(new JsonObject { ["Id"] = job.Data["Id"]!.DeepClone(), ["doubled"] = (int)job.Data["n"]! * 2 });
        });

        await StartWorkerAsync(handler);
        var result = await node.WaitForAsync("result");

        // job.finished() resolved with each return value, or rejected with the failed reason.
        var outcomes = result["results"]!.AsArray().ToDictionary(outcome => (string)outcome!["id"]!);
        outcomes[ids[0]]!["value"]!.ToJsonString().ShouldBe("""{"Id":"u1","doubled":2}""");
        outcomes[ids[1]]!["value"]!["doubled"]!.GetValue<int>().ShouldBe(4);
        outcomes[ids[2]]!["completed"]!.GetValue<bool>().ShouldBeFalse();
        outcomes[ids[2]]!["reason"]!.GetValue<string>().ShouldBe("Session expired. Please log in again.");
        outcomes[ids[3]]!["value"]!["doubled"]!.GetValue<int>().ShouldBe(8);
        outcomes[ids[4]]!["reason"]!.GetValue<string>().ShouldBe("Error processing job");
        outcomes[ids[5]]!["value"]!["doubled"]!.GetValue<int>().ShouldBe(12);
        outcomes[ids[6]]!["value"]!["doubled"]!.GetValue<int>().ShouldBe(14);

        // queue.on('global:completed') fired for each completed job, with the return value as JSON text.
        var completed = result["completedEvents"]!.AsArray().ToDictionary(e => (string)e!["jobId"]!, e => (string)e!["result"]!);
        completed.Keys.ShouldBe([ids[0], ids[1], ids[3], ids[5], ids[6]], ignoreOrder: true);
        JsonNode.Parse(completed[ids[0]])!.ToJsonString().ShouldBe("""{"Id":"u1","doubled":2}""");
        var failedEvents = result["failedEvents"]!.AsArray().Select(e => (string)e!["jobId"]!).ToArray();
        failedEvents.ShouldBe([ids[2], ids[4]], ignoreOrder: true);

        // The retried job waited its exponential backoff: 100 ms, then 300 ms.
        handler.Runs(ids[3]).ShouldBe(3);
        var runs = handler.RunTimes(ids[3]);
        (runs[1] - runs[0]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(95));
        (runs[2] - runs[1]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(295));

        // Only the job kept on failure is in getFailed(), with its reason and both attempts.
        var failed = result["failed"]!.AsArray().Single()!;
        ((string)failed["id"]!).ShouldBe(ids[4]);
        ((string)failed["failedReason"]!).ShouldBe("Error processing job");
        ((int)failed["attemptsMade"]!).ShouldBe(2);
        failed["stacktrace"]!.AsArray().Count.ShouldBe(2);

        // queue.getJobCounts() in Node agrees with this side.
        var counts = result["counts"]!;
        counts.ToJsonString().ShouldBe("""{"waiting":0,"active":0,"completed":2,"failed":1,"delayed":0,"paused":0}""");
        (await _queue.GetCountsAsync(QueueName, Ct)).ShouldBe(new JobCounts(0, 0, 2, 1, 0, 0));

        // The job Node delayed ran once due, moved to wait by the worker here.
        var late = (await _queue.GetAsync(QueueName, ids[6], Ct))!;
        (late.ProcessedAt!.Value - late.CreatedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300));
        late.Options.Delay.ShouldBe(TimeSpan.FromMilliseconds(300));
        (await _queue.GetAsync(QueueName, ids[5], Ct))!.ReturnValue!["doubled"]!.GetValue<int>().ShouldBe(12);
        var kept = (await _queue.GetAsync(QueueName, ids[4], Ct))!;
        kept.State.ShouldBe(JobState.Failed);
        kept.FailedReason.ShouldBe("Error processing job");
        kept.AttemptsMade.ShouldBe(2);
        kept.Options.Backoff.ShouldBe(JobBackoff.Fixed(TimeSpan.FromMilliseconds(50)));
        (await _queue.GetAsync(QueueName, ids[0], Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ANodeWorkerRunsJobsAddedHereAndThisSideReadsTheOutcome()
    {
        var plain = await _queue.AddAsync(QueueName, new JsonObject { ["Id"] = "c1", ["Password"] = "never logged" }, cancellationToken: Ct);
        var failing = await _queue.AddAsync(
            QueueName,
            new JsonObject { ["Id"] = "c2", ["fail"] = "Communication server error" },
            new JobOptions { Attempts = 2, Backoff = JobBackoff.Fixed(TimeSpan.FromMilliseconds(100)) },
            Ct);
        var delayed = await _queue.AddAsync(QueueName, new JsonObject { ["Id"] = "c3" }, new JobOptions { Delay = TimeSpan.FromMilliseconds(300) }, Ct);
        var custom = await _queue.AddAsync(
            QueueName,
            new JsonObject { ["Id"] = "c4" },
            new JobOptions { JobId = "custom-7", RemoveOnComplete = KeepJobs.Last(10), Timeout = TimeSpan.FromSeconds(5), Priority = 2 },
            Ct);

        var (node, _) = await StartNodeAsync(new { mode = "consume" });

        var done = await Eventually.ReadAsync(
            async () => await Task.WhenAll(new[] { plain, failing, delayed, custom }.Select(id => _queue.GetAsync(QueueName, id, Ct))),
            jobs => jobs.All(job => job?.State is JobState.Completed or JobState.Failed),
            "Node ran every job");
        (await node.CloseAsync()).ShouldBe(0);

        done[0]!.State.ShouldBe(JobState.Completed);
        done[0]!.ReturnValue!.ToJsonString().ShouldBe("""{"echoed":{"Id":"c1","Password":"never logged"},"by":"node"}""");
        done[1]!.State.ShouldBe(JobState.Failed);
        done[1]!.FailedReason.ShouldBe("Communication server error");
        done[1]!.AttemptsMade.ShouldBe(2);
        done[2]!.State.ShouldBe(JobState.Completed);
        (done[2]!.ProcessedAt!.Value - done[2]!.CreatedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300));
        done[3]!.Id.ShouldBe("custom-7");
        done[3]!.State.ShouldBe(JobState.Completed);

        // Node read the job as Node's own queue.add would have written it.
        var seen = node.Lines().Where(line => (string?)line["type"] == "processing")
            .GroupBy(line => (string)line["id"]!)
            .ToDictionary(runs => runs.Key, runs => runs.First());
        node.Lines().Count(line => (string?)line["type"] == "processing" && (string?)line["id"] == failing).ShouldBe(2);
        var first = seen[plain];
        ((string)first["name"]!).ShouldBe("__default__");
        first["data"]!.ToJsonString().ShouldBe("""{"Id":"c1","Password":"never logged"}""");
        ((int)first["opts"]!["attempts"]!).ShouldBe(1);
        ((long)first["timestamp"]!).ShouldBe(done[0]!.CreatedAt.ToUnixTimeMilliseconds());
        var customOpts = seen["custom-7"]["opts"]!;
        ((string)customOpts["jobId"]!).ShouldBe("custom-7");
        ((int)customOpts["removeOnComplete"]!).ShouldBe(10);
        ((int)customOpts["timeout"]!).ShouldBe(5000);
        ((int)customOpts["priority"]!).ShouldBe(2);
        seen[failing]["opts"]!["backoff"]!.ToJsonString().ShouldBe("""{"type":"fixed","delay":100}""");
    }

    [Fact]
    public async Task ACSharpWorkerTakesOverTheJobOfANodeWorkerKilledMidJob()
    {
        var id = await _queue.AddAsync(QueueName, new JsonObject { ["Id"] = "s1" }, cancellationToken: Ct);
        var (node, _) = await StartNodeAsync(new
        {
            mode = "consume",
            hang = true,
            settings = new { lockDuration = 1000, stalledInterval = 300 },
        });
        await node.WaitForAsync("processing", line => (string?)line["id"] == id);
        await node.KillAsync();

        var handler = RecordingHandler.Returning(_ => JsonValue.Create("taken over"));
        await StartWorkerAsync(handler, o =>
        {
            o.LockDuration = TimeSpan.FromSeconds(1);
            o.StalledInterval = TimeSpan.FromMilliseconds(300);
        });

        var job = await _queue.WaitForStateAsync(QueueName, id, JobState.Completed);
        job.ReturnValue!.GetValue<string>().ShouldBe("taken over");
        handler.Runs(id).ShouldBe(1);
        (await _redis.HashGetAsync($"{_prefix}:{QueueName}:{id}", "stalledCounter", Ct)).ShouldBe("1");
    }

    [Fact]
    public async Task ANodeWorkerRunsAJobThatAWorkerHereRetriedWithBackoff()
    {
        var id = await _queue.AddAsync(
            QueueName,
            new JsonObject { ["Id"] = "r1" },
            new JobOptions { Attempts = 2, Backoff = JobBackoff.Exponential(TimeSpan.FromMilliseconds(500)) },
            Ct);
        var handler = new RecordingHandler((_, _, _) => throw new InvalidOperationException("first try fails"));
        var worker = await StartWorkerAsync(handler);
        await _queue.WaitForStateAsync(QueueName, id, JobState.Delayed);
        await worker.StopAsync(Ct);

        // The delayed set as written here is one Node's bull understands: it promotes the job when due and runs it.
        var (node, _) = await StartNodeAsync(new { mode = "consume" });
        var done = await node.WaitForAsync("completed", line => (string?)line["id"] == id);

        done["result"]!["by"]!.GetValue<string>().ShouldBe("node");
        var processing = await node.WaitForAsync("processing", line => (string?)line["id"] == id);
        ((int)processing["attemptsMade"]!).ShouldBe(1);
        var job = (await _queue.GetAsync(QueueName, id, Ct))!;
        job.State.ShouldBe(JobState.Completed);
        job.AttemptsMade.ShouldBe(1);
        job.FailedReason.ShouldBe("first try fails");
        (job.ProcessedAt!.Value - handler.RunTimes(id)[0]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(495));
    }

    private async Task<(NodeProcess Node, JsonObject Ready)> StartNodeAsync(object settings)
    {
        Assert.SkipWhen(NodeProcess.NodePath is null, "Node.js is not installed (node on the PATH); the interop tests need it and bull@4 from npm.");
        var config = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(settings))!.AsObject();
        config["redis"] = TestRedis.Endpoint();
        config["prefix"] = _prefix;
        config["queue"] = QueueName;
        var (node, ready) = await NodeProcess.StartAsync("bull-harness.js", config, Ct);
        _cleanup.Add(node);
        return (node, ready);
    }

    private async Task<QueueWorker> StartWorkerAsync(IJobHandler handler, Action<QueueWorkerOptions>? configure = null)
    {
        var options = new QueueWorkerOptions { DrainDelay = TimeSpan.FromSeconds(1), GuardInterval = TimeSpan.FromMilliseconds(200) };
        configure?.Invoke(options);
        var worker = _queue.CreateWorker(QueueName, handler, options);
        _cleanup.Add(worker);
        await worker.StartAsync(Ct);
        return worker;
    }
}
