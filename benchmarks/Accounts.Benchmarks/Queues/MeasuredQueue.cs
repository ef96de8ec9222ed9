using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Accounts.Queues;
using Accounts.Queues.Bull;
using Accounts.Redis;

namespace Accounts.Benchmarks.Queues;

/// <summary>
/// One Bull queue as the run drives it, the same way whichever worker (Accounts' or Node's) works it: the jobs are
/// added while the queue is paused (Bull's <c>meta-paused</c> key: new jobs go to the <c>paused</c> list, where no
/// worker looks), so filling it is not timed and the worker is already running and idle; then the clock starts, the
/// queue is resumed (<c>paused</c> renamed to <c>wait</c>, which wakes the worker's BRPOPLPUSH, as Bull's own resume
/// does), and the run polls Redis until nothing is left waiting or running.
/// </summary>
internal sealed class MeasuredQueue
{
    /// <summary>Redis commands each poll costs, as INFO counts them: the EVALSHA and the four calls in it.</summary>
    public const int CommandsPerPoll = 5;

    /// <summary>Redis commands of the resume: the EVALSHA and the (at most) four calls in it.</summary>
    public const int CommandsPerResume = 5;

    /// <summary>How long the queue may go without a job finishing before the run gives up on the worker.</summary>
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    // KEYS: paused, wait, meta-paused.
    private static readonly RedisScript Resume = new("""
        if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('RENAME', KEYS[1], KEYS[2]) end
        redis.call('DEL', KEYS[3])
        return redis.call('LLEN', KEYS[2])
        """);

    // KEYS: wait, active, paused, delayed. Jobs neither finished nor failed.
    private static readonly RedisScript Left = new("""
        return redis.call('LLEN', KEYS[1]) + redis.call('LLEN', KEYS[2]) + redis.call('LLEN', KEYS[3]) + redis.call('ZCARD', KEYS[4])
        """);

    /// <summary>What the original gateway's jobs ask (attempts 1, removeOnComplete), but failures kept, so that they can be counted.</summary>
    private static readonly JobOptions GatewayOptions = new() { RemoveOnComplete = KeepJobs.None };

    private readonly RedisClient _redis;
    private readonly BullJobQueue _producer;

    public MeasuredQueue(RedisClient redis, string prefix, string queue)
    {
        _redis = redis;
        Prefix = prefix;
        Name = queue;
        _producer = new BullJobQueue(redis, new BullQueueOptions { Prefix = prefix });
    }

    public string Prefix { get; }

    public string Name { get; }

    /// <summary>Loads the scripts, so that no measured phase sees a NOSCRIPT and its retry.</summary>
    public static async Task PrepareAsync(IRedisCommands redis, CancellationToken cancellationToken)
    {
        await redis.LoadScriptAsync(Resume, cancellationToken);
        await redis.LoadScriptAsync(Left, cancellationToken);
    }

    /// <summary>Adds one job <c>{Id, Token}</c> per item to the paused queue, which must hold nothing yet.</summary>
    public async Task FillPausedAsync(IReadOnlyList<(string Id, string Token)> jobs, CancellationToken cancellationToken)
    {
        var left = await LeftAsync(cancellationToken);
        if (left != 0)
        {
            throw new InvalidOperationException($"{Prefix}:{Name} still holds {left} unfinished jobs.");
        }

        await _redis.ExecuteAsync("SET", new RedisValue[] { Key("meta-paused"), "1" }, cancellationToken);
        await Parallel.ForEachAsync(
            jobs,
            new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (job, ct) => await _producer.AddAsync(Name, new JsonObject { ["Id"] = job.Id, ["Token"] = job.Token }, GatewayOptions, ct));
        var paused = await _redis.ListLengthAsync(Key("paused"), cancellationToken);
        if (paused != jobs.Count)
        {
            throw new InvalidOperationException($"{Prefix}:{Name}: {paused} jobs paused after adding {jobs.Count}.");
        }
    }

    /// <summary>Resumes the queue and waits until all its jobs have finished.</summary>
    /// <exception cref="TimeoutException">No job finished for a minute (the worker is gone or stuck).</exception>
    public async Task<Drain> ResumeAndDrainAsync(int jobs, CancellationToken cancellationToken)
    {
        var keys = new RedisValue[] { Key("wait"), Key("active"), Key("paused"), Key("delayed") };
        var started = Stopwatch.GetTimestamp();
        await _redis.EvaluateAsync(Resume, new RedisValue[] { Key("paused"), Key("wait"), Key("meta-paused") }, cancellationToken: cancellationToken);
        var polls = 0;
        long lastLeft = jobs;
        var lastProgress = started;
        TimeSpan elapsed;
        while (true)
        {
            await Task.Delay(PollInterval, cancellationToken);
            polls++;
            var left = (await _redis.EvaluateAsync(Left, keys, cancellationToken: cancellationToken)).AsInt64();
            var now = Stopwatch.GetTimestamp();
            if (left == 0)
            {
                elapsed = Stopwatch.GetElapsedTime(started, now);
                break;
            }

            if (left < lastLeft)
            {
                lastLeft = left;
                lastProgress = now;
            }
            else if (Stopwatch.GetElapsedTime(lastProgress, now) > Stall)
            {
                throw new TimeoutException($"{Prefix}:{Name}: {left} of {jobs} jobs still unfinished, none finished for {Stall.TotalSeconds:0} s.");
            }
        }

        var failed = (await _redis.ExecuteAsync("ZCARD", new RedisValue[] { Key("failed") }, cancellationToken)).AsInt64();
        return new Drain(elapsed, failed, polls);
    }

    /// <summary>The failed reasons of up to <paramref name="count"/> failed jobs, to say why in the report; then the failed set is emptied.</summary>
    public async Task<IReadOnlyList<string>> TakeFailedReasonsAsync(int count, CancellationToken cancellationToken)
    {
        var ids = (await _redis.ExecuteAsync("ZRANGE", new RedisValue[] { Key("failed"), 0, count - 1 }, cancellationToken)).AsStringArray() ?? [];
        var reasons = new List<string>();
        foreach (var id in ids)
        {
            reasons.Add((await _redis.HashGetAsync(Key(id!), "failedReason", cancellationToken)) ?? "(no reason)");
        }

        await _redis.DeleteAsync(Key("failed"), cancellationToken);
        return reasons;
    }

    /// <summary>Deletes every key under this queue's prefix (the run's own).</summary>
    public async Task RemoveAllAsync(CancellationToken cancellationToken)
    {
        var cursor = "0";
        do
        {
            var reply = (await _redis.ExecuteAsync("SCAN", new RedisValue[] { cursor, "MATCH", Prefix + ":*", "COUNT", 1000 }, cancellationToken)).AsArray()!;
            cursor = reply[0].AsString() ?? "0";
            var keys = reply[1].AsStringArray() ?? [];
            if (keys.Length > 0)
            {
                await _redis.DeleteAsync(keys.Select(k => (RedisValue)k!).ToArray(), cancellationToken);
            }
        }
        while (cursor != "0");
    }

    private async Task<long> LeftAsync(CancellationToken cancellationToken) =>
        (await _redis.EvaluateAsync(Left, new RedisValue[] { Key("wait"), Key("active"), Key("paused"), Key("delayed") }, cancellationToken: cancellationToken)).AsInt64();

    private string Key(string suffix) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}:{Name}:{suffix}");
}

/// <summary>How long a queue took to empty, how many of its jobs failed, and how many polls that took (their Redis commands are the run's, not the worker's).</summary>
internal readonly record struct Drain(TimeSpan Elapsed, long Failed, int Polls);
