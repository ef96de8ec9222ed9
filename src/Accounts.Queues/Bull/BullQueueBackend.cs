using System.Text.Json.Nodes;
using Accounts.Redis;

namespace Accounts.Queues.Bull;

/// <summary>
/// One worker's view of a Bull queue: it waits for jobs with BRPOPLPUSH on a connection of its own (as bull@4 does)
/// and moves them with <see cref="BullScripts"/>. Its lock token is its own, so that a lock tells which worker holds
/// a job.
/// </summary>
internal sealed class BullQueueBackend : IQueueBackend
{
    /// <summary>How many due delayed jobs one promotion moves at most; the loop comes back at once for more.</summary>
    private const int PromoteBatch = 1000;

    private readonly IRedisClient _redis;
    private readonly BullKeys _keys;
    private readonly string _queueName;
    private readonly string _token = Guid.NewGuid().ToString();
    private readonly TimeSpan _lockDuration;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _blocking = new(1, 1);
    private IRedisConnection? _connection;
    private Task? _interrupted;

    /// <summary>True after a wait found no job: the next take blocks instead of polling.</summary>
    private bool _drained = true;

    public BullQueueBackend(IRedisClient redis, BullKeys keys, string queueName, TimeSpan lockDuration, TimeProvider time)
    {
        _redis = redis;
        _keys = keys;
        _queueName = queueName;
        _lockDuration = lockDuration;
        _time = time;
    }

    public bool UsesLocks => true;

    public async Task StartAsync(CancellationToken cancellationToken) =>
        _connection = await _redis.CreateDedicatedConnectionAsync(cancellationToken);

    public async Task<Job?> TakeAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var connection = _connection ?? throw new InvalidOperationException("The backend has not started.");
        if (!_drained)
        {
            // Jobs were there a moment ago: take the next one without blocking.
            var next = await RunTakeAsync("", CancellationToken.None);
            if (next.Taken)
            {
                return next.Job;
            }

            _drained = true;
        }

        await _blocking.WaitAsync(cancellationToken);
        string? jobId;
        try
        {
            // A take is cancelled only when the worker stops for good: then the connection is closed, which ends the
            // block on the server (a cancelled command would drop it too, but as a lost connection, with a warning).
            await using var interrupt = cancellationToken.Register(() => _interrupted ??= connection.DisposeAsync().AsTask());
            jobId = await connection.BlockingRightPopLeftPushAsync(_keys.Wait, _keys.Active, wait, CancellationToken.None);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is RedisConnectionException or ObjectDisposedException)
        {
            throw new OperationCanceledException("The worker is stopping.", ex, cancellationToken);
        }
        finally
        {
            _blocking.Release();
        }

        if (jobId is null)
        {
            return null;
        }

        // The job sits in active without a lock until this runs: finish the step even if the caller gives up.
        _drained = false;
        return (await RunTakeAsync(jobId, CancellationToken.None)).Job;
    }

    public async Task<bool> ExtendLockAsync(Job job, TimeSpan lockDuration, CancellationToken cancellationToken)
    {
        var renewed = await _redis.EvaluateAsync(
            BullScripts.ExtendLock,
            new RedisValue[] { _keys.Lock(job.Id), _keys.Stalled },
            new RedisValue[] { _token, BullJobFormat.Milliseconds(lockDuration), job.Id },
            cancellationToken);
        return renewed.AsInt64() == 1;
    }

    public async Task<FinishResult> CompleteAsync(Job job, JsonNode? returnValue, CancellationToken cancellationToken)
    {
        var value = BullJobFormat.WriteJson(returnValue);
        return await FinishAsync(job, _keys.Completed, "returnvalue", value, job.Options.RemoveOnComplete, null, cancellationToken);
    }

    public async Task<FinishResult> FailAsync(Job job, JobFailure failure, CancellationToken cancellationToken)
    {
        if (failure.RetryAt is null)
        {
            return await FinishAsync(job, _keys.Failed, "failedReason", failure.Reason, job.Options.RemoveOnFail, failure, cancellationToken);
        }

        var dueAt = failure.RetryAt.Value.ToUnixTimeMilliseconds();
        var now = Now();
        var later = dueAt > now;
        var code = await _redis.EvaluateAsync(
            BullScripts.Retry,
            new RedisValue[] { _keys.Active, _keys.Wait, _keys.Paused, _keys.MetaPaused, _keys.Priority, _keys.Delayed, _keys.Job(job.Id), _keys.Stalled },
            new RedisValue[]
            {
                job.Id,
                _token,
                failure.Reason,
                failure.AttemptsMade,
                BullJobFormat.WriteStacktrace(failure.Stacktrace),
                later ? dueAt : 0,
                job.Options.Lifo ? "RPUSH" : "LPUSH",
                later ? BullJobFormat.DelayedScore(dueAt, job.Id) : 0,
            },
            cancellationToken);
        return ToResult(code);
    }

    public async Task<FinishResult> ReleaseAsync(Job job, CancellationToken cancellationToken)
    {
        var code = await _redis.EvaluateAsync(
            BullScripts.Release,
            new RedisValue[] { _keys.Active, _keys.Wait, _keys.Paused, _keys.MetaPaused, _keys.Job(job.Id), _keys.Stalled, _keys.WaitingEvent(_token) },
            new RedisValue[] { job.Id, _token },
            cancellationToken);
        return ToResult(code);
    }

    public async Task<DateTimeOffset?> PromoteDelayedAsync(CancellationToken cancellationToken)
    {
        var reply = (await _redis.EvaluateAsync(
            BullScripts.PromoteDelayed,
            new RedisValue[] { _keys.Delayed, _keys.Wait, _keys.Paused, _keys.MetaPaused, _keys.Priority, _keys.WaitingEvent(_token) },
            new RedisValue[] { _keys.Base, Now(), PromoteBatch },
            cancellationToken)).AsArray()!;
        var moved = reply[0].AsInt64();
        var next = reply[1].AsInt64();
        if (moved >= PromoteBatch)
        {
            return _time.GetUtcNow();
        }

        return next < 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(next);
    }

    public async Task<StalledJobs> CheckStalledAsync(TimeSpan interval, int maxStalledCount, CancellationToken cancellationToken)
    {
        var reply = (await _redis.EvaluateAsync(
            BullScripts.CheckStalled,
            new RedisValue[] { _keys.Stalled, _keys.Wait, _keys.Active, _keys.Failed, _keys.StalledCheck, _keys.MetaPaused, _keys.Paused },
            new RedisValue[] { maxStalledCount, _keys.Base, Now(), BullJobFormat.Milliseconds(interval) },
            cancellationToken)).AsArray()!;
        return new StalledJobs(Ids(reply[0]), Ids(reply[1]));
    }

    public async Task<IAsyncDisposable> WatchDelayedAsync(Action onChanged, CancellationToken cancellationToken) =>
        await _redis.SubscribeAsync(
            _keys.Delayed,
            (_, _) =>
            {
                onChanged();
                return ValueTask.CompletedTask;
            },
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_interrupted is not null)
        {
            await _interrupted;
        }

        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _blocking.Dispose();
    }

    private async Task<(bool Taken, Job? Job)> RunTakeAsync(string jobId, CancellationToken cancellationToken)
    {
        var reply = await _redis.EvaluateAsync(
            BullScripts.Take,
            new RedisValue[] { _keys.Wait, _keys.Active, _keys.Priority, _keys.Stalled, _keys.ActiveEvent(_token), _keys.Drained },
            new RedisValue[] { _keys.Base, _token, BullJobFormat.Milliseconds(_lockDuration), Now(), jobId },
            cancellationToken);
        if (reply.IsNull)
        {
            return (false, null);
        }

        var items = reply.AsArray()!;
        var id = items[0].AsString()!;
        if (items.Count < 2)
        {
            // Removed while it waited: nothing to run, but the queue was not empty.
            return (true, null);
        }

        return (true, BullJobFormat.ReadJob(_queueName, id, BullJobFormat.ReadHash(items[1].AsArray()!)));
    }

    private async Task<FinishResult> FinishAsync(
        Job job,
        string targetSet,
        string field,
        string value,
        KeepJobs keep,
        JobFailure? failure,
        CancellationToken cancellationToken)
    {
        var code = await _redis.EvaluateAsync(
            BullScripts.Finish,
            new RedisValue[] { _keys.Active, targetSet, _keys.Job(job.Id), _keys.Stalled },
            new RedisValue[]
            {
                job.Id,
                Now(),
                field,
                value,
                _token,
                keep.Count ?? -1,
                keep.Age is { } age ? BullJobFormat.AgeSeconds(age) : -1,
                BullJobFormat.WriteEvent(job.Id, value),
                _keys.Base,
                failure is null ? (RedisValue)"" : failure.AttemptsMade,
                failure is null ? (RedisValue)"" : BullJobFormat.WriteStacktrace(failure.Stacktrace),
            },
            cancellationToken);
        return ToResult(code);
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static FinishResult ToResult(RedisResult code) => code.AsInt64() switch
    {
        0 => FinishResult.Done,
        -1 => FinishResult.Missing,
        -3 => FinishResult.NotActive,
        _ => FinishResult.LockLost,
    };

    private static string[] Ids(RedisResult list) => [.. (list.AsStringArray() ?? []).Select(id => id!)];
}
