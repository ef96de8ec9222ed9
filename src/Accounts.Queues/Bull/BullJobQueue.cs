using System.Text.Json.Nodes;
using Accounts.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Accounts.Queues.Bull;

/// <summary>
/// Bull v3/v4 queues in Redis, readable and writable by Node's <c>bull</c> package on the same keys: jobs added here
/// are processed by <c>queue.process</c> in Node and the other way round, <c>job.finished()</c>,
/// <c>queue.getJobCounts()</c> and <c>queue.on('global:completed')</c> in Node see what these workers do.
/// </summary>
public sealed class BullJobQueue : IJobQueue
{
    private readonly IRedisClient _redis;
    private readonly BullQueueOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Bull's per-instance token: it names the instance in the waiting and duplicated events it publishes.</summary>
    private readonly string _token = Guid.NewGuid().ToString();

    public BullJobQueue(IRedisClient redis, BullQueueOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _options = options ?? new BullQueueOptions();
        _options.Validate();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<BullJobQueue>();
        _time = timeProvider ?? TimeProvider.System;
    }

    public string Prefix => _options.Prefix;

    public async Task<string> AddAsync(string queueName, JsonNode? data, JobOptions? options = null, CancellationToken cancellationToken = default)
    {
        QueueNames.Validate(queueName);
        options ??= new JobOptions();
        options.Validate();

        var keys = Keys(queueName);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var delay = BullJobFormat.Milliseconds(options.Delay);
        var reply = (await _redis.EvaluateAsync(
            BullScripts.Add,
            new RedisValue[] { keys.Wait, keys.Paused, keys.MetaPaused, keys.Id, keys.Delayed, keys.Priority },
            new RedisValue[]
            {
                keys.Base,
                options.JobId ?? "",
                options.Name,
                BullJobFormat.WriteData(data),
                BullJobFormat.WriteOptions(options, now),
                now,
                delay,
                delay > 0 ? now + delay : 0,
                options.Priority,
                options.Lifo ? "RPUSH" : "LPUSH",
                _token,
            },
            cancellationToken)).AsArray()!;
        var jobId = reply[0].AsString()!;
        if (reply[1].AsInt64() == 1)
        {
            QueueLog.JobAdded(_logger, queueName, jobId);
        }

        return jobId;
    }

    public async Task<JobInfo?> GetAsync(string queueName, string jobId, CancellationToken cancellationToken = default)
    {
        QueueNames.Validate(queueName);
        QueueNames.ValidateJobId(jobId);
        var keys = Keys(queueName);
        var reply = await _redis.EvaluateAsync(
            BullScripts.GetJob,
            new RedisValue[] { keys.Job(jobId), keys.Completed, keys.Failed, keys.Delayed, keys.Active, keys.Wait, keys.Paused },
            new RedisValue[] { jobId },
            cancellationToken);
        if (reply.IsNull)
        {
            return null;
        }

        var items = reply.AsArray()!;
        return BullJobFormat.ReadInfo(queueName, jobId, items[0].AsString()!, BullJobFormat.ReadHash(items[1].AsArray()!));
    }

    public async Task<JobCounts> GetCountsAsync(string queueName, CancellationToken cancellationToken = default)
    {
        QueueNames.Validate(queueName);
        var keys = Keys(queueName);
        var counts = (await _redis.EvaluateAsync(
            BullScripts.Counts,
            new RedisValue[] { keys.Wait, keys.Active, keys.Completed, keys.Failed, keys.Delayed, keys.Paused },
            cancellationToken: cancellationToken)).AsArray()!;
        return new JobCounts(counts[0].AsInt64(), counts[1].AsInt64(), counts[2].AsInt64(), counts[3].AsInt64(), counts[4].AsInt64(), counts[5].AsInt64());
    }

    public QueueWorker CreateWorker(string queueName, IJobHandler handler, QueueWorkerOptions? options = null)
    {
        QueueNames.Validate(queueName);
        ArgumentNullException.ThrowIfNull(handler);
        options = options?.Clone() ?? new QueueWorkerOptions();
        options.Validate();
        return new QueueWorker(
            queueName,
            $"Bull (prefix {_options.Prefix})",
            new BullQueueBackend(_redis, Keys(queueName), queueName, options.LockDuration, _time),
            handler,
            options,
            _loggerFactory.CreateLogger<QueueWorker>(),
            _time);
    }

    private BullKeys Keys(string queueName) => new(_options.Prefix, queueName);
}
