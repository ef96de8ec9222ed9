using System.Text.Json.Nodes;
using Accounts.Queues.Bull;

namespace Accounts.Queues.Tests.Bull;

/// <summary>Bull's job format and rules, without a server.</summary>
public sealed class BullJobFormatTests
{
    [Fact]
    public void WritesTheGatewaysOptionsAsBullStoresThem() =>
        BullJobFormat.WriteOptions(JobOptions.RemoveWhenFinished, 1795273573423)
            .ShouldBe("""{"attempts":1,"removeOnComplete":true,"removeOnFail":true,"delay":0,"timestamp":1795273573423}""");

    [Fact]
    public void WritesEveryOptionInBullsShape()
    {
        var options = new JobOptions
        {
            Attempts = 3,
            Backoff = JobBackoff.Exponential(TimeSpan.FromMilliseconds(100)),
            Delay = TimeSpan.FromMilliseconds(50),
            Priority = 2,
            Lifo = true,
            JobId = "abc",
            Timeout = TimeSpan.FromSeconds(5),
            RemoveOnComplete = KeepJobs.Last(10),
            RemoveOnFail = KeepJobs.Within(TimeSpan.FromHours(1), 100),
            StackTraceLimit = 3,
        };

        var text = BullJobFormat.WriteOptions(options, 1);

        text.ShouldBe("""{"attempts":3,"backoff":{"type":"exponential","delay":100},"removeOnComplete":10,"removeOnFail":{"age":3600,"count":100},"priority":2,"lifo":true,"jobId":"abc","timeout":5000,"stackTraceLimit":3,"delay":50,"timestamp":1}""");
        BullJobFormat.ReadOptions(text, "__default__").ShouldBe(options);
    }

    [Fact]
    public void ReadsOptionsAsNodeWroteThem()
    {
        var options = BullJobFormat.ReadOptions(
            """{"attempts":3,"backoff":{"type":"fixed","delay":200},"priority":3,"delay":0,"timestamp":1795273573460}""",
            "send-code");

        options.Name.ShouldBe("send-code");
        options.Attempts.ShouldBe(3);
        options.Backoff.ShouldBe(JobBackoff.Fixed(TimeSpan.FromMilliseconds(200)));
        options.Priority.ShouldBe(3);
        options.RemoveOnComplete.ShouldBe(KeepJobs.All);
    }

    [Theory]
    [InlineData("true", 0, null)]
    [InlineData("false", null, null)]
    [InlineData("5", 5, null)]
    [InlineData("""{"count":2}""", 2, null)]
    [InlineData("""{"age":60}""", null, 60)]
    public void ReadsEveryShapeOfRemoveOnComplete(string value, int? count, int? ageSeconds)
    {
        var keep = BullJobFormat.ReadOptions($$"""{"removeOnComplete":{{value}}}""", null).RemoveOnComplete;

        keep.Count.ShouldBe(count);
        keep.Age.ShouldBe(ageSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
    }

    [Fact]
    public void ReadsABackoffGivenAsANumberAsFixed() =>
        BullJobFormat.ReadOptions("""{"backoff":1000}""", null).Backoff.ShouldBe(JobBackoff.Fixed(TimeSpan.FromSeconds(1)));

    [Fact]
    public void KeepsBullsDefaultsForOptionsItCannotRead()
    {
        var options = BullJobFormat.ReadOptions("not json", "");

        options.ShouldBe(new JobOptions());
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 300)]
    [InlineData(3, 700)]
    public void ComputesExponentialBackoffAsBullDoes(int attemptsMade, int milliseconds) =>
        JobBackoff.Exponential(TimeSpan.FromMilliseconds(100)).DelayAfter(attemptsMade).ShouldBe(TimeSpan.FromMilliseconds(milliseconds));

    [Fact]
    public void WaitsTheSameFixedBackoffEveryTime() =>
        JobBackoff.Fixed(TimeSpan.FromMilliseconds(250)).DelayAfter(7).ShouldBe(TimeSpan.FromMilliseconds(250));

    [Fact]
    public void ScoresADelayedJobByDueTimeAndTheLowBitsOfItsId()
    {
        BullJobFormat.DelayedScore(1000, "4097").ShouldBe((1000 * 4096) + 1);
        BullJobFormat.DelayedScore(1000, "custom").ShouldBe(1000 * 4096);
    }

    [Fact]
    public void WritesEventsAsBullPublishesThem() =>
        BullJobFormat.WriteEvent("7", """{"a":"b"}""").ShouldBe("""{"jobId":"7","val":"{\"a\":\"b\"}"}""");

    [Fact]
    public void ReadsAJobHash()
    {
        var info = BullJobFormat.ReadInfo("q", "3", "paused", new Dictionary<string, string>
        {
            ["name"] = "__default__",
            ["data"] = """{"Id":"x"}""",
            ["opts"] = """{"attempts":2}""",
            ["timestamp"] = "1700000000000",
            ["processedOn"] = "1700000000100",
            ["finishedOn"] = "1700000000200",
            ["attemptsMade"] = "1",
            ["failedReason"] = "boom",
            ["returnvalue"] = "null",
        });

        info.State.ShouldBe(JobState.Waiting);
        info.Data!["Id"]!.GetValue<string>().ShouldBe("x");
        info.Options.Attempts.ShouldBe(2);
        info.CreatedAt.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000));
        info.ProcessedAt.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1700000000100));
        info.FinishedAt.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1700000000200));
        info.AttemptsMade.ShouldBe(1);
        info.FailedReason.ShouldBe("boom");
        info.ReturnValue.ShouldBeNull();
    }

    [Fact]
    public void WritesNoDataAsAnEmptyObject()
    {
        BullJobFormat.WriteData(null).ShouldBe("{}");
        BullJobFormat.WriteData(new JsonArray(1, 2)).ShouldBe("[1,2]");
    }

    [Fact]
    public void DefaultsToBullsWorkerSettings()
    {
        var options = new QueueWorkerOptions();

        options.Concurrency.ShouldBe(5);
        options.LockDuration.ShouldBe(TimeSpan.FromSeconds(30));
        options.EffectiveLockRenewTime.ShouldBe(TimeSpan.FromSeconds(15));
        options.StalledInterval.ShouldBe(TimeSpan.FromSeconds(30));
        options.MaxStalledCount.ShouldBe(1);
        new BullQueueOptions().Prefix.ShouldBe("bull");
    }
}
