using System.Text.Json.Nodes;
using Accounts.Queues.Bull;
using Accounts.Queues.InProcess;
using Accounts.Queues.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Accounts.Queues.Tests;

/// <summary>
/// Job data and return values hold passwords, codes and tokens: no log entry may show them. And a worker that stops
/// normally logs nothing alarming.
/// </summary>
public sealed class QueueLoggingTests
{
    private const string Secret = "s3cret-Password-123";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheInProcessQueueNeverLogsJobDataOrReturnValues()
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        await RunJobsAsync(new InProcessJobQueue(factory));

        AssertClean(logs);
    }

    [Fact]
    public async Task TheBullQueueNeverLogsJobDataOrReturnValues()
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        await using var redis = await Accounts.Redis.RedisClient.ConnectAsync(Accounts.Redis.RedisOptions.Parse(TestRedis.Endpoint()), factory, cancellationToken: Ct);
        await RunJobsAsync(new BullJobQueue(redis, new BullQueueOptions { Prefix = TestRedis.UniquePrefix() }, factory));

        AssertClean(logs);
    }

    private static async Task RunJobsAsync(IJobQueue queue)
    {
        var ok = await queue.AddAsync("Create_User", new JsonObject { ["Password"] = Secret }, cancellationToken: Ct);
        var failing = await queue.AddAsync("Create_User", new JsonObject { ["Password"] = Secret, ["fail"] = true }, new JobOptions { Attempts = 2 }, Ct);
        await using var worker = queue.CreateWorker(
            "Create_User",
            new DelegateJobHandler((job, _) => job.Data!["fail"] is not null
                ? throw new InvalidOperationException("The verification code is incorrect")
                : Task.FromResult<JsonNode?>(new JsonObject { ["Token"] = Secret })),
            new QueueWorkerOptions { DrainDelay = TimeSpan.FromSeconds(1) });
        await worker.StartAsync(Ct);

        await queue.WaitForStateAsync("Create_User", ok, JobState.Completed);
        await queue.WaitForStateAsync("Create_User", failing, JobState.Failed);
    }

    private static void AssertClean(CapturingLoggerProvider logs)
    {
        var entries = logs.Entries;
        entries.ShouldContain(entry => entry.EventId.Id == 5003, "the final failure is logged");
        entries.ShouldContain(entry => entry.EventId.Id == 5004, "the retry is logged");
        entries.ShouldAllBe(entry => entry.EventId.Id >= 5000 && entry.EventId.Id <= 5099 || entry.EventId.Id >= 4000 && entry.EventId.Id <= 4099);
        entries.ShouldNotContain(entry => entry.Text.Contains(Secret, StringComparison.Ordinal));

        // Stopping closes the worker's blocking connection on purpose: not a lost connection worth a warning.
        entries.ShouldNotContain(entry => entry.EventId.Id == 4001);
    }
}
