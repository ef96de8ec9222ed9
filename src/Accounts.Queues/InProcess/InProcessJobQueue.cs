using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Accounts.Queues.InProcess;

/// <summary>
/// Job queues in this process's memory, with Bull's semantics (attempts, backoff, delay, priority, LIFO, job ids,
/// removeOnComplete/removeOnFail, states and counts): the embedded default, when there is no Redis. Jobs do not
/// survive the process; producers and workers must share one instance (register it as a singleton).
/// </summary>
public sealed class InProcessJobQueue : IJobQueue
{
    private readonly ConcurrentDictionary<string, InProcessQueue> _queues = new(StringComparer.Ordinal);
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public InProcessJobQueue(ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<InProcessJobQueue>();
        _time = timeProvider ?? TimeProvider.System;
    }

    public Task<string> AddAsync(string queueName, JsonNode? data, JobOptions? options = null, CancellationToken cancellationToken = default)
    {
        QueueNames.Validate(queueName);
        options ??= new JobOptions();
        options.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var jobId = Queue(queueName).Add(data, options);
        QueueLog.JobAdded(_logger, queueName, jobId);
        return Task.FromResult(jobId);
    }

    public Task<JobInfo?> GetAsync(string queueName, string jobId, CancellationToken cancellationToken = default)
    {
        QueueNames.Validate(queueName);
        QueueNames.ValidateJobId(jobId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_queues.TryGetValue(queueName, out var queue) ? queue.Get(jobId) : null);
    }

    public Task<JobCounts> GetCountsAsync(string queueName, CancellationToken cancellationToken = default)
    {
        QueueNames.Validate(queueName);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_queues.TryGetValue(queueName, out var queue) ? queue.Counts() : new JobCounts(0, 0, 0, 0, 0, 0));
    }

    public QueueWorker CreateWorker(string queueName, IJobHandler handler, QueueWorkerOptions? options = null)
    {
        QueueNames.Validate(queueName);
        ArgumentNullException.ThrowIfNull(handler);
        options = options?.Clone() ?? new QueueWorkerOptions();
        options.Validate();
        return new QueueWorker(queueName, "the in-process queue", Queue(queueName), handler, options, _loggerFactory.CreateLogger<QueueWorker>(), _time);
    }

    private InProcessQueue Queue(string queueName) => _queues.GetOrAdd(queueName, static (name, time) => new InProcessQueue(name, time), _time);
}
