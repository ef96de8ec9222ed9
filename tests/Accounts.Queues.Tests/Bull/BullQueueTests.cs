using System.Text.Json.Nodes;
using System.Threading.Channels;
using Accounts.Queues.Bull;
using Accounts.Queues.Tests.Support;
using Accounts.Redis;

namespace Accounts.Queues.Tests.Bull;

/// <summary>What only Bull in Redis has: its key layout and events, locks, and the recovery of stalled jobs.</summary>
public sealed class BullQueueTests : IAsyncLifetime
{
    private const string QueueName = "Read_User";

    private readonly string _prefix = TestRedis.UniquePrefix();
    private readonly List<IAsyncDisposable> _cleanup = [];
    private RedisClient _redis = null!;
    private BullJobQueue _queue = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Key(string type) => $"{_prefix}:{QueueName}:{type}";

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
    public async Task StoresAJobUnderBullsKeysAsNodesQueueAddDoes()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = await _queue.AddAsync(QueueName, new JsonObject { ["Id"] = "u1", ["Token"] = "t" }, JobOptions.RemoveWhenFinished, Ct);

        id.ShouldBe("1");
        (await _redis.GetAsync(Key("id"), Ct)).ShouldBe("1");
        (await _redis.ListRangeAsync(Key("wait"), cancellationToken: Ct)).ShouldBe(["1"]);
        var hash = await _redis.HashGetAllAsync(Key("1"), Ct);
        hash.Keys.ShouldBe(["name", "data", "opts", "timestamp", "delay", "priority"], ignoreOrder: true);
        hash["name"].ShouldBe("__default__");
        hash["data"].ShouldBe("""{"Id":"u1","Token":"t"}""");
        hash["delay"].ShouldBe("0");
        hash["priority"].ShouldBe("0");
        var timestamp = long.Parse(hash["timestamp"], System.Globalization.CultureInfo.InvariantCulture);
        timestamp.ShouldBeGreaterThanOrEqualTo(before);
        // Byte for byte what bull@4 stores for queue.add(data, {attempts: 1, removeOnComplete: true, removeOnFail: true}).
        hash["opts"].ShouldBe($$"""{"attempts":1,"removeOnComplete":true,"removeOnFail":true,"delay":0,"timestamp":{{timestamp}}}""");
        (await _queue.AddAsync(QueueName, null, cancellationToken: Ct)).ShouldBe("2");
    }

    [Fact]
    public async Task PublishesCompletionsAndFailuresAsBullsGlobalEventsExpectThem()
    {
        var messages = Channel.CreateUnbounded<RedisMessage>();
        await using var subscription = await _redis.SubscribeAsync(
            [Key("completed"), Key("failed")],
            (message, _) => messages.Writer.WriteAsync(message, CancellationToken.None),
            Ct);
        var completed = await _queue.AddAsync(QueueName, new JsonObject { ["ok"] = true }, cancellationToken: Ct);
        var failed = await _queue.AddAsync(QueueName, new JsonObject { ["ok"] = false }, cancellationToken: Ct);

        await StartWorkerAsync(new RecordingHandler((job, _, _) => (bool)job.Data!["ok"]!
            ? Task.FromResult<JsonNode?>(new JsonObject { ["Message"] = "User created successfully" })
            : throw new InvalidOperationException("The verification code is incorrect")));

        var first = await messages.Reader.ReadAsync(Ct).AsTask().Within("the first event");
        var second = await messages.Reader.ReadAsync(Ct).AsTask().Within("the second event");
        var events = new[] { first, second }.ToDictionary(message => message.Channel, message => message.PayloadAsString());
        events[Key("completed")].ShouldBe($$"""{"jobId":"{{completed}}","val":"{\"Message\":\"User created successfully\"}"}""");
        events[Key("failed")].ShouldBe($$"""{"jobId":"{{failed}}","val":"The verification code is incorrect"}""");
        (await _redis.HashGetAsync(Key(completed), "returnvalue", Ct)).ShouldBe("""{"Message":"User created successfully"}""");
        (await _redis.SortedSetScoreAsync(Key("completed"), completed, Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task FailsAJobThatStalledMoreOftenThanAllowed()
    {
        var id = await _queue.AddAsync(QueueName, new JsonObject(), new JobOptions { Attempts = 3 }, Ct);
        // A worker took the job and died before locking it, for the second time: it stalled once already.
        (await _redis.ExecuteAsync("RPOPLPUSH", new RedisValue[] { Key("wait"), Key("active") }, Ct)).AsString().ShouldBe(id);
        await _redis.HashSetAsync(Key(id), "stalledCounter", 1, Ct);
        var handler = RecordingHandler.Returning(_ => null);

        await StartWorkerAsync(handler, o => o.StalledInterval = TimeSpan.FromMilliseconds(200));

        var job = await _queue.WaitForStateAsync(QueueName, id, JobState.Failed);
        job.FailedReason.ShouldBe("job stalled more than allowable limit");
        handler.Runs(id).ShouldBe(0);
        (await _redis.ListLengthAsync(Key("active"), Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task HonoursRemoveOnFailForAJobThatStalledTooOften()
    {
        var id = await _queue.AddAsync(QueueName, new JsonObject(), JobOptions.RemoveWhenFinished, Ct);
        await _redis.ExecuteAsync("RPOPLPUSH", new RedisValue[] { Key("wait"), Key("active") }, Ct);

        await StartWorkerAsync(RecordingHandler.Returning(_ => null), o =>
        {
            o.StalledInterval = TimeSpan.FromMilliseconds(200);
            o.MaxStalledCount = 0;
        });

        await Eventually.TrueAsync(async () => !await _redis.ExistsAsync(Key(id), Ct), "the job is removed");
        (await _queue.GetCountsAsync(QueueName, Ct)).ShouldBe(new JobCounts(0, 0, 0, 0, 0, 0));
    }

    [Fact]
    public async Task AWorkerThatLosesAJobsLockStopsItsRunAndLeavesTheOutcomeToTheNextRun()
    {
        var id = await _queue.AddAsync(QueueName, new JsonObject(), cancellationToken: Ct);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new RecordingHandler(async (_, run, ct) =>
        {
            if (run == 1)
            {
                await using var registration = ct.Register(() => cancelled.TrySetResult());
                await Task.Delay(Timeout.Infinite, ct);
            }

            return JsonValue.Create($"run {run}");
        });
        await StartWorkerAsync(handler, o =>
        {
            o.LockDuration = TimeSpan.FromSeconds(1);
            o.StalledInterval = TimeSpan.FromMilliseconds(300);
        });
        await Eventually.TrueAsync(() => handler.Runs(id) == 1, "the first run starts");

        // As if the lock had expired while the worker was cut off: the renewal finds it gone.
        await _redis.DeleteAsync(Key(id + ":lock"), Ct);

        await cancelled.Task.Within("the first run to be cancelled");
        var job = await _queue.WaitForStateAsync(QueueName, id, JobState.Completed);
        job.ReturnValue!.GetValue<string>().ShouldBe("run 2");
        handler.Runs(id).ShouldBe(2);
        job.AttemptsMade.ShouldBe(0);
        (await _redis.HashGetAsync(Key(id), "stalledCounter", Ct)).ShouldBe("1");
    }

    [Fact]
    public async Task AnotherWorkerTakesOverTheJobOfAWorkerProcessKilledMidJob()
    {
        var id = await _queue.AddAsync(QueueName, new JsonObject { ["Id"] = "k1" }, cancellationToken: Ct);
        var child = await ChildWorker.StartAsync(TestRedis.Endpoint(), _prefix, QueueName, "1000", "300");
        _cleanup.Add(child);
        await child.WaitForAsync("running", line => (string?)line["id"] == id);

        // The lock is held and renewed by a live worker: a second worker leaves the job alone...
        var handler = RecordingHandler.Returning(_ => JsonValue.Create("survivor"));
        await StartWorkerAsync(handler, o =>
        {
            o.LockDuration = TimeSpan.FromSeconds(1);
            o.StalledInterval = TimeSpan.FromMilliseconds(300);
        });
        // (A fixed wait, as what is checked is that nothing happens: longer than a lock and several stalled checks.)
        await Task.Delay(TimeSpan.FromMilliseconds(1500), Ct);
        handler.Runs(id).ShouldBe(0);
        (await _queue.GetAsync(QueueName, id, Ct))!.State.ShouldBe(JobState.Active);

        // ...until that worker is SIGKILLed: once its lock expires, the job stalls and runs again, exactly once.
        await child.KillAsync();
        var job = await _queue.WaitForStateAsync(QueueName, id, JobState.Completed);
        job.ReturnValue!.GetValue<string>().ShouldBe("survivor");
        handler.Runs(id).ShouldBe(1);
        job.AttemptsMade.ShouldBe(0);
        (await _redis.HashGetAsync(Key(id), "stalledCounter", Ct)).ShouldBe("1");
    }

    [Fact]
    public async Task AddsToThePausedListWhileTheQueueIsPaused()
    {
        await _redis.SetAsync(Key("meta-paused"), "1", cancellationToken: Ct);

        var id = await _queue.AddAsync(QueueName, new JsonObject(), cancellationToken: Ct);

        (await _redis.ListRangeAsync(Key("paused"), cancellationToken: Ct)).ShouldBe([id]);
        (await _queue.GetCountsAsync(QueueName, Ct)).ShouldBe(new JobCounts(0, 0, 0, 0, 0, 1));
        (await _queue.GetAsync(QueueName, id, Ct))!.State.ShouldBe(JobState.Waiting);
    }

    [Fact]
    public async Task ReadsAJobAfterAnotherProcessRemovedItsWaitingEntry()
    {
        var id = await _queue.AddAsync(QueueName, new JsonObject(), cancellationToken: Ct);
        await _redis.ListRemoveAsync(Key("wait"), 0, id, Ct);

        (await _queue.GetAsync(QueueName, id, Ct))!.State.ShouldBe(JobState.Unknown);
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
