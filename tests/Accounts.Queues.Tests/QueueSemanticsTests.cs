using System.Text.Json.Nodes;
using Accounts.Queues.Tests.Support;

namespace Accounts.Queues.Tests;

/// <summary>
/// What a queue does, whatever carries it: run once by <see cref="InProcess.InProcessQueueSemanticsTests"/> on the
/// in-process queue and by <see cref="Bull.BullQueueSemanticsTests"/> on Bull in Redis, so the two agree.
/// </summary>
public abstract class QueueSemanticsTests : IAsyncLifetime
{
    protected const string QueueName = "Create_User";

    private readonly List<QueueWorker> _workers = [];

    protected IJobQueue Queue { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Queue = await CreateQueueAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }

        await DisposeQueueAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task CompletesAJobWithWhatTheHandlerReturned()
    {
        var id = await Queue.AddAsync(QueueName, new JsonObject { ["n"] = 21 }, cancellationToken: Ct);
        await StartWorkerAsync(RecordingHandler.Returning(job => new JsonObject { ["doubled"] = job.Data!["n"]!.GetValue<int>() * 2 }));

        var job = await WaitForStateAsync(id, JobState.Completed);

        job.ReturnValue!["doubled"]!.GetValue<int>().ShouldBe(42);
        job.Data!["n"]!.GetValue<int>().ShouldBe(21);
        job.AttemptsMade.ShouldBe(0);
        job.FailedReason.ShouldBeNull();
        job.ProcessedAt.ShouldNotBeNull();
        job.FinishedAt.ShouldNotBeNull();
        job.FinishedAt.Value.ShouldBeGreaterThanOrEqualTo(job.ProcessedAt.Value);
        (await Queue.GetCountsAsync(QueueName, Ct)).ShouldBe(new JobCounts(0, 0, 1, 0, 0, 0));
    }

    [Fact]
    public async Task CompletesWithJsonNullWhenTheHandlerReturnsNothing()
    {
        var id = await Queue.AddAsync(QueueName, null, cancellationToken: Ct);
        await StartWorkerAsync(RecordingHandler.Returning(_ => null));

        var job = await WaitForStateAsync(id, JobState.Completed);

        job.ReturnValue.ShouldBeNull();
        job.Data!.ToJsonString().ShouldBe("{}");
    }

    [Fact]
    public async Task FailsAJobForGoodWithTheExceptionMessageOnceItsAttemptsAreUsedUp()
    {
        var id = await Queue.AddAsync(QueueName, new JsonObject(), new JobOptions { Attempts = 3 }, Ct);
        var handler = new RecordingHandler((_, _, _) => throw new InvalidOperationException("Error processing job"));
        await StartWorkerAsync(handler);

        var job = await WaitForStateAsync(id, JobState.Failed);

        handler.Runs(id).ShouldBe(3);
        job.AttemptsMade.ShouldBe(3);
        job.FailedReason.ShouldBe("Error processing job");
        job.FinishedAt.ShouldNotBeNull();
        (await Queue.GetCountsAsync(QueueName, Ct)).ShouldBe(new JobCounts(0, 0, 0, 1, 0, 0));
    }

    [Fact]
    public async Task CompletesAJobOnARetryAfterFailedRuns()
    {
        var id = await Queue.AddAsync(QueueName, new JsonObject(), new JobOptions { Attempts = 3 }, Ct);
        var handler = new RecordingHandler((_, run, _) => run < 3
            ? throw new InvalidOperationException($"run {run} failed")
            : Task.FromResult<JsonNode?>(JsonValue.Create("third time lucky")));
        await StartWorkerAsync(handler);

        var job = await WaitForStateAsync(id, JobState.Completed);

        handler.Runs(id).ShouldBe(3);
        job.ReturnValue!.GetValue<string>().ShouldBe("third time lucky");
        // Bull counts failed runs only, and keeps the last failure's reason.
        job.AttemptsMade.ShouldBe(2);
        job.FailedReason.ShouldBe("run 2 failed");
    }

    [Fact]
    public async Task WaitsTheFixedBackoffBeforeEachRetry()
    {
        var backoff = TimeSpan.FromMilliseconds(400);
        var id = await Queue.AddAsync(QueueName, new JsonObject(), new JobOptions { Attempts = 3, Backoff = JobBackoff.Fixed(backoff) }, Ct);
        var handler = new RecordingHandler((_, run, _) => run < 3 ? throw new InvalidOperationException("not yet") : Task.FromResult<JsonNode?>(null));
        await StartWorkerAsync(handler);

        // Between the runs the job waits in the delayed set.
        await Eventually.TrueAsync(() => handler.Runs(id) >= 1, "the first run");
        await WaitForStateAsync(id, JobState.Delayed);
        await WaitForStateAsync(id, JobState.Completed);

        var runs = handler.RunTimes(id);
        runs.Count.ShouldBe(3);
        (runs[1] - runs[0]).ShouldBeGreaterThanOrEqualTo(backoff - Tolerance);
        (runs[2] - runs[1]).ShouldBeGreaterThanOrEqualTo(backoff - Tolerance);
    }

    [Fact]
    public async Task WaitsExponentiallyLongerBeforeEachRetry()
    {
        var backoff = TimeSpan.FromMilliseconds(150);
        var id = await Queue.AddAsync(QueueName, new JsonObject(), new JobOptions { Attempts = 3, Backoff = JobBackoff.Exponential(backoff) }, Ct);
        var handler = new RecordingHandler((_, _, _) => throw new InvalidOperationException("never"));
        await StartWorkerAsync(handler);

        var job = await WaitForStateAsync(id, JobState.Failed);

        job.AttemptsMade.ShouldBe(3);
        var runs = handler.RunTimes(id);
        runs.Count.ShouldBe(3);
        (runs[1] - runs[0]).ShouldBeGreaterThanOrEqualTo(backoff - Tolerance);
        (runs[2] - runs[1]).ShouldBeGreaterThanOrEqualTo((3 * backoff) - Tolerance);
    }

    [Fact]
    public async Task RunsADelayedJobOnlyOnceItIsDue()
    {
        var delay = TimeSpan.FromMilliseconds(500);
        var handler = RecordingHandler.Returning(_ => null);
        await StartWorkerAsync(handler);
        var id = await Queue.AddAsync(QueueName, new JsonObject(), new JobOptions { Delay = delay }, Ct);

        (await Queue.GetAsync(QueueName, id, Ct))!.State.ShouldBe(JobState.Delayed);
        (await Queue.GetCountsAsync(QueueName, Ct)).Delayed.ShouldBe(1);
        var job = await WaitForStateAsync(id, JobState.Completed);

        (job.ProcessedAt!.Value - job.CreatedAt).ShouldBeGreaterThanOrEqualTo(delay - Tolerance);
        handler.Runs(id).ShouldBe(1);
    }

    [Fact]
    public async Task RemovesAJobThatCompletedWhenItsOptionsSaySo()
    {
        var id = await Queue.AddAsync(QueueName, new JsonObject(), JobOptions.RemoveWhenFinished, Ct);
        var handler = RecordingHandler.Returning(_ => JsonValue.Create(true));
        await StartWorkerAsync(handler);

        await Eventually.TrueAsync(async () => handler.Runs(id) == 1 && await Queue.GetAsync(QueueName, id, Ct) is null, "the job is gone");

        (await Queue.GetCountsAsync(QueueName, Ct)).ShouldBe(new JobCounts(0, 0, 0, 0, 0, 0));
    }

    [Fact]
    public async Task RemovesAJobThatFailedWhenItsOptionsSaySo()
    {
        var id = await Queue.AddAsync(QueueName, new JsonObject(), JobOptions.RemoveWhenFinished, Ct);
        var handler = new RecordingHandler((_, _, _) => throw new InvalidOperationException("Session expired. Please log in again."));
        await StartWorkerAsync(handler);

        await Eventually.TrueAsync(async () => handler.Runs(id) == 1 && await Queue.GetAsync(QueueName, id, Ct) is null, "the job is gone");

        (await Queue.GetCountsAsync(QueueName, Ct)).ShouldBe(new JobCounts(0, 0, 0, 0, 0, 0));
    }

    [Fact]
    public async Task KeepsOnlyTheNewestCompletedJobsWhenGivenACount()
    {
        var options = new JobOptions { RemoveOnComplete = KeepJobs.Last(2) };
        List<string> ids = [];
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await Queue.AddAsync(QueueName, new JsonObject { ["i"] = i }, options, Ct));
        }

        await StartWorkerAsync(RecordingHandler.Returning(job => job.Data!["i"]!.DeepClone()), o => o.Concurrency = 1);

        await Eventually.TrueAsync(async () => (await Queue.GetCountsAsync(QueueName, Ct)) is { Waiting: 0, Active: 0 }, "all jobs ran");
        (await Queue.GetCountsAsync(QueueName, Ct)).Completed.ShouldBe(2);
        (await Queue.GetAsync(QueueName, ids[0], Ct)).ShouldBeNull();
        (await Queue.GetAsync(QueueName, ids[1], Ct)).ShouldBeNull();
        (await Queue.GetAsync(QueueName, ids[2], Ct))!.State.ShouldBe(JobState.Completed);
        (await Queue.GetAsync(QueueName, ids[3], Ct))!.ReturnValue!.GetValue<int>().ShouldBe(3);
    }

    [Fact]
    public async Task RunsAtMostConcurrencyJobsAtOnce()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new RecordingHandler(async (_, _, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return null;
        });
        for (var i = 0; i < 6; i++)
        {
            await Queue.AddAsync(QueueName, new JsonObject { ["i"] = i }, cancellationToken: Ct);
        }

        await StartWorkerAsync(handler, o => o.Concurrency = 3);

        await Eventually.TrueAsync(() => handler.Running == 3, "three jobs run");
        (await Queue.GetCountsAsync(QueueName, Ct)).ShouldBe(new JobCounts(3, 3, 0, 0, 0, 0));
        gate.SetResult();
        await Eventually.TrueAsync(async () => (await Queue.GetCountsAsync(QueueName, Ct)).Completed == 6, "all six complete");
        handler.Peak.ShouldBe(3);
    }

    [Fact]
    public async Task AddsNothingForAJobIdThatExistsAlready()
    {
        var first = await Queue.AddAsync(QueueName, new JsonObject { ["v"] = 1 }, new JobOptions { JobId = "user-42" }, Ct);
        var second = await Queue.AddAsync(QueueName, new JsonObject { ["v"] = 2 }, new JobOptions { JobId = "user-42" }, Ct);

        first.ShouldBe("user-42");
        second.ShouldBe("user-42");
        (await Queue.GetCountsAsync(QueueName, Ct)).Waiting.ShouldBe(1);
        (await Queue.GetAsync(QueueName, "user-42", Ct))!.Data!["v"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task DoesNotRetryAJobItsHandlerDiscarded()
    {
        var id = await Queue.AddAsync(QueueName, new JsonObject(), new JobOptions { Attempts = 5 }, Ct);
        var handler = new RecordingHandler((job, _, _) =>
        {
            job.Discard();
            throw new InvalidOperationException("Session expired. Please log in again.");
        });
        await StartWorkerAsync(handler);

        var job = await WaitForStateAsync(id, JobState.Failed);

        handler.Runs(id).ShouldBe(1);
        job.AttemptsMade.ShouldBe(1);
        job.FailedReason.ShouldBe("Session expired. Please log in again.");
    }

    [Fact]
    public async Task FailsARunThatOutlastsTheJobsTimeoutWithBullsMessage()
    {
        var id = await Queue.AddAsync(QueueName, new JsonObject(), new JobOptions { Timeout = TimeSpan.FromMilliseconds(200) }, Ct);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await StartWorkerAsync(new RecordingHandler(async (_, _, ct) =>
        {
            await using var registration = ct.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        }));

        var job = await WaitForStateAsync(id, JobState.Failed);

        job.FailedReason.ShouldBe("Promise timed out after 200 milliseconds");
        await cancelled.Task.Within("the handler's token to be cancelled");
    }

    [Fact]
    public async Task LetsRunningJobsFinishWhenStoppedGracefully()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = await Queue.AddAsync(QueueName, new JsonObject(), cancellationToken: Ct);
        var worker = await StartWorkerAsync(new RecordingHandler(async (_, _, _) =>
        {
            started.SetResult();
            await gate.Task;
            return JsonValue.Create("finished");
        }));
        await started.Task.Within("the job to start");

        var stopping = worker.StopAsync(Ct);
        await Task.Delay(100, Ct);
        stopping.IsCompleted.ShouldBeFalse();
        gate.SetResult();
        await stopping.Within("the worker to stop");

        (await Queue.GetAsync(QueueName, id, Ct))!.ReturnValue!.GetValue<string>().ShouldBe("finished");
    }

    [Fact]
    public async Task PutsRunningJobsBackWhenForcedToStop()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = await Queue.AddAsync(QueueName, new JsonObject(), new JobOptions { Attempts = 1 }, Ct);
        var worker = await StartWorkerAsync(new RecordingHandler(async (_, _, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        }));
        await started.Task.Within("the job to start");

        using var patience = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await worker.StopAsync(patience.Token).Within("the worker to stop");

        // Back in line, no attempt counted: the next worker runs it as if for the first time.
        var job = (await Queue.GetAsync(QueueName, id, Ct))!;
        job.State.ShouldBe(JobState.Waiting);
        job.AttemptsMade.ShouldBe(0);
        var next = RecordingHandler.Returning(_ => JsonValue.Create("second worker"));
        await StartWorkerAsync(next);
        (await WaitForStateAsync(id, JobState.Completed)).ReturnValue!.GetValue<string>().ShouldBe("second worker");
    }

    [Fact]
    public async Task RunsPrioritisedJobsFirstAndLifoJobsBeforeTheRest()
    {
        var plain = await Queue.AddAsync(QueueName, new JsonObject(), cancellationToken: Ct);
        var low = await Queue.AddAsync(QueueName, new JsonObject(), new JobOptions { Priority = 3 }, Ct);
        var high = await Queue.AddAsync(QueueName, new JsonObject(), new JobOptions { Priority = 1 }, Ct);
        var middle = await Queue.AddAsync(QueueName, new JsonObject(), new JobOptions { Priority = 2 }, Ct);
        var other = await Queue.AddAsync(QueueName, new JsonObject(), cancellationToken: Ct);
        var urgent = await Queue.AddAsync(QueueName, new JsonObject(), new JobOptions { Lifo = true }, Ct);
        var handler = RecordingHandler.Returning(_ => null);

        await StartWorkerAsync(handler, o => o.Concurrency = 1);

        await Eventually.TrueAsync(() => handler.Order.Count == 6, "all jobs ran");
        handler.Order.ShouldBe([urgent, high, middle, low, plain, other]);
    }

    [Fact]
    public async Task CountsJobsInEachState()
    {
        await Queue.AddAsync(QueueName, new JsonObject(), cancellationToken: Ct);
        await Queue.AddAsync(QueueName, new JsonObject(), cancellationToken: Ct);
        await Queue.AddAsync(QueueName, new JsonObject(), new JobOptions { Delay = TimeSpan.FromMinutes(5) }, Ct);

        (await Queue.GetCountsAsync(QueueName, Ct)).ShouldBe(new JobCounts(2, 0, 0, 0, 1, 0));
        (await Queue.GetCountsAsync("another queue", Ct)).ShouldBe(new JobCounts(0, 0, 0, 0, 0, 0));
        (await Queue.GetAsync(QueueName, "12345", Ct)).ShouldBeNull();
    }

    [Fact]
    public void RefusesInvalidOptions()
    {
        Should.Throw<ArgumentException>(() => Queue.CreateWorker(QueueName, RecordingHandler.Returning(_ => null), new QueueWorkerOptions { Concurrency = 0 }))
            .ParamName.ShouldBe("Concurrency");
        Should.Throw<ArgumentException>(() => Queue.CreateWorker("", RecordingHandler.Returning(_ => null)));
    }

    [Fact]
    public async Task RefusesInvalidJobOptions()
    {
        (await Should.ThrowAsync<ArgumentException>(() => Queue.AddAsync(QueueName, null, new JobOptions { Attempts = 0 }, Ct)))
            .ParamName.ShouldBe("Attempts");
    }

    /// <summary>Clocks are read to the millisecond on both sides.</summary>
    protected static TimeSpan Tolerance { get; } = TimeSpan.FromMilliseconds(5);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract ValueTask<IJobQueue> CreateQueueAsync();

    protected virtual ValueTask DisposeQueueAsync() => ValueTask.CompletedTask;

    /// <summary>Fast settings for tests; lock and stall settings stay Bull's unless a test changes them.</summary>
    protected async Task<QueueWorker> StartWorkerAsync(IJobHandler handler, Action<QueueWorkerOptions>? configure = null)
    {
        var options = new QueueWorkerOptions { DrainDelay = TimeSpan.FromSeconds(1), GuardInterval = TimeSpan.FromMilliseconds(200) };
        configure?.Invoke(options);
        var worker = Queue.CreateWorker(QueueName, handler, options);
        _workers.Add(worker);
        await worker.StartAsync(Ct);
        return worker;
    }

    protected Task<JobInfo> WaitForStateAsync(string id, JobState state) => Queue.WaitForStateAsync(QueueName, id, state);
}
