using System.Text.Json.Nodes;
using Accounts.Queues.Bull;

namespace Accounts.Queues.InProcess;

/// <summary>
/// One queue held in this process's memory, with Bull's semantics: ids from a counter (or the caller's, without
/// duplicates), a line of waiting jobs (priority, LIFO), a delayed set, the active set, and completed and failed sets
/// trimmed by removeOnComplete/removeOnFail. Jobs live and die with the process: nothing can stall, so there are no
/// locks. Every operation first moves the delayed jobs that are due to the back of the line.
/// </summary>
internal sealed class InProcessQueue : IQueueBackend
{
    private readonly string _name;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _jobs = new(StringComparer.Ordinal);

    /// <summary>Waiting jobs, the next to run first.</summary>
    private readonly LinkedList<Entry> _waiting = new();
    private readonly SortedSet<Entry> _delayed = new(Comparer<Entry>.Create(static (a, b) =>
        a.DueAt != b.DueAt ? a.DueAt.CompareTo(b.DueAt) : a.Sequence.CompareTo(b.Sequence)));

    private readonly HashSet<Entry> _active = [];
    private readonly SortedSet<Entry> _completed = new(ByFinish());
    private readonly SortedSet<Entry> _failed = new(ByFinish());
    private readonly List<Action> _delayWatchers = [];
    private TaskCompletionSource _available = NewSignal();
    private long _counter;
    private long _sequence;

    public InProcessQueue(string name, TimeProvider time)
    {
        _name = name;
        _time = time;
    }

    public bool UsesLocks => false;

    public string Add(JsonNode? data, JobOptions options)
    {
        Action[] watchers = [];
        string id;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            PromoteDue(now);
            _counter++;
            id = options.JobId ?? _counter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (_jobs.ContainsKey(id))
            {
                return id;
            }

            var entry = new Entry(id, ++_sequence, BullJobFormat.WriteData(data), options, now);
            _jobs.Add(id, entry);
            if (options.Delay > TimeSpan.Zero)
            {
                entry.DueAt = now + options.Delay;
                entry.State = JobState.Delayed;
                _delayed.Add(entry);
                watchers = [.. _delayWatchers];
            }
            else
            {
                Enqueue(entry, options.Lifo);
            }
        }

        foreach (var watcher in watchers)
        {
            watcher();
        }

        return id;
    }

    public JobInfo? Get(string jobId)
    {
        lock (_gate)
        {
            PromoteDue(_time.GetUtcNow());
            if (!_jobs.TryGetValue(jobId, out var entry))
            {
                return null;
            }

            return new JobInfo
            {
                Id = entry.Id,
                QueueName = _name,
                State = entry.State,
                Name = entry.Options.Name,
                Data = JsonNode.Parse(entry.Data),
                Options = entry.Options,
                ReturnValue = entry.ReturnValue is null ? null : JsonNode.Parse(entry.ReturnValue),
                FailedReason = entry.FailedReason,
                AttemptsMade = entry.AttemptsMade,
                CreatedAt = entry.CreatedAt,
                ProcessedAt = entry.ProcessedAt,
                FinishedAt = entry.FinishedAt,
            };
        }
    }

    public JobCounts Counts()
    {
        lock (_gate)
        {
            PromoteDue(_time.GetUtcNow());
            return new JobCounts(_waiting.Count, _active.Count, _completed.Count, _failed.Count, _delayed.Count, 0);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<Job?> TakeAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + wait;
        while (true)
        {
            Task available;
            TimeSpan pause;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                PromoteDue(now);
                if (_waiting.First is { } first)
                {
                    var entry = first.Value;
                    _waiting.RemoveFirst();
                    entry.State = JobState.Active;
                    entry.ProcessedAt = now;
                    _active.Add(entry);
                    return new Job(_name, entry.Id, JsonNode.Parse(entry.Data), entry.Options, entry.AttemptsMade, entry.CreatedAt)
                    {
                        Stacktrace = [.. entry.Stacktrace],
                    };
                }

                pause = deadline - now;
                if (pause <= TimeSpan.Zero)
                {
                    return null;
                }

                if (_delayed.Count > 0 && _delayed.Min!.DueAt - now < pause)
                {
                    pause = _delayed.Min.DueAt - now;
                }

                available = _available.Task;
            }

            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(available, Task.Delay(pause > TimeSpan.Zero ? pause : TimeSpan.Zero, _time, either.Token));
            await either.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public Task<bool> ExtendLockAsync(Job job, TimeSpan lockDuration, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_jobs.TryGetValue(job.Id, out var entry) && _active.Contains(entry));
        }
    }

    public Task<FinishResult> CompleteAsync(Job job, JsonNode? returnValue, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            PromoteDue(now);
            var result = Deactivate(job.Id, out var entry);
            if (result == FinishResult.Done)
            {
                entry!.ReturnValue = BullJobFormat.WriteJson(returnValue);
                Finish(entry, JobState.Completed, _completed, entry.Options.RemoveOnComplete, now);
            }

            return Task.FromResult(result);
        }
    }

    public Task<FinishResult> FailAsync(Job job, JobFailure failure, CancellationToken cancellationToken)
    {
        Action[] watchers = [];
        FinishResult result;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            PromoteDue(now);
            result = Deactivate(job.Id, out var entry);
            if (result == FinishResult.Done)
            {
                entry!.FailedReason = failure.Reason;
                entry.AttemptsMade = failure.AttemptsMade;
                entry.Stacktrace = [.. failure.Stacktrace];
                if (failure.RetryAt is not { } retryAt)
                {
                    Finish(entry, JobState.Failed, _failed, entry.Options.RemoveOnFail, now);
                }
                else if (retryAt > now)
                {
                    entry.DueAt = retryAt;
                    entry.Sequence = ++_sequence;
                    entry.State = JobState.Delayed;
                    _delayed.Add(entry);
                    watchers = [.. _delayWatchers];
                }
                else
                {
                    Enqueue(entry, entry.Options.Lifo);
                }
            }
        }

        foreach (var watcher in watchers)
        {
            watcher();
        }

        return Task.FromResult(result);
    }

    public Task<FinishResult> ReleaseAsync(Job job, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var result = Deactivate(job.Id, out var entry);
            if (result == FinishResult.Done)
            {
                entry!.State = JobState.Waiting;
                _waiting.AddFirst(entry);
                Signal();
            }

            return Task.FromResult(result);
        }
    }

    public Task<DateTimeOffset?> PromoteDelayedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            PromoteDue(_time.GetUtcNow());
            return Task.FromResult(_delayed.Count > 0 ? _delayed.Min!.DueAt : (DateTimeOffset?)null);
        }
    }

    public Task<StalledJobs> CheckStalledAsync(TimeSpan interval, int maxStalledCount, CancellationToken cancellationToken) =>
        Task.FromResult(StalledJobs.None);

    public Task<IAsyncDisposable> WatchDelayedAsync(Action onChanged, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _delayWatchers.Add(onChanged);
        }

        return Task.FromResult<IAsyncDisposable>(new Unwatch(this, onChanged));
    }

    /// <summary>The queue outlives its workers: nothing to release.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static IComparer<Entry> ByFinish() => Comparer<Entry>.Create(static (a, b) =>
        a.FinishedAt != b.FinishedAt ? Nullable.Compare(a.FinishedAt, b.FinishedAt) : a.Sequence.CompareTo(b.Sequence));

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FinishResult Deactivate(string jobId, out Entry? entry)
    {
        if (!_jobs.TryGetValue(jobId, out entry))
        {
            return FinishResult.Missing;
        }

        return _active.Remove(entry) ? FinishResult.Done : FinishResult.NotActive;
    }

    private void Finish(Entry entry, JobState state, SortedSet<Entry> finished, KeepJobs keep, DateTimeOffset now)
    {
        entry.FinishedAt = now;
        if (keep.RemovesAtOnce)
        {
            _jobs.Remove(entry.Id);
            return;
        }

        entry.State = state;
        entry.Sequence = ++_sequence;
        finished.Add(entry);
        if (keep.Age is { } age)
        {
            var oldest = now - TimeSpan.FromSeconds(BullJobFormat.AgeSeconds(age));
            while (finished.Count > 0 && finished.Min!.FinishedAt <= oldest)
            {
                Drop(finished, finished.Min);
            }
        }

        if (keep.Count is { } count and > 0)
        {
            while (finished.Count > count)
            {
                Drop(finished, finished.Min!);
            }
        }
    }

    private void Drop(SortedSet<Entry> finished, Entry entry)
    {
        finished.Remove(entry);
        _jobs.Remove(entry.Id);
    }

    /// <summary>Puts a job in line: at the back (or the front when LIFO), a prioritised one behind those as urgent or more.</summary>
    private void Enqueue(Entry entry, bool lifo)
    {
        entry.State = JobState.Waiting;
        var priority = entry.Options.Priority;
        if (priority > 0)
        {
            var node = _waiting.First;
            while (node is not null && node.Value.Options.Priority > 0 && node.Value.Options.Priority <= priority)
            {
                node = node.Next;
            }

            if (node is null)
            {
                _waiting.AddLast(entry);
            }
            else
            {
                _waiting.AddBefore(node, entry);
            }
        }
        else
        {
            if (lifo)
            {
                _waiting.AddFirst(entry);
            }
            else
            {
                _waiting.AddLast(entry);
            }
        }

        Signal();
    }

    private void PromoteDue(DateTimeOffset now)
    {
        while (_delayed.Count > 0 && _delayed.Min!.DueAt <= now)
        {
            var entry = _delayed.Min;
            _delayed.Remove(entry);
            Enqueue(entry, lifo: false);
        }
    }

    private void Signal()
    {
        var available = _available;
        _available = NewSignal();
        available.TrySetResult();
    }

    private sealed class Unwatch(InProcessQueue queue, Action watcher) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lock (queue._gate)
            {
                queue._delayWatchers.Remove(watcher);
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class Entry(string id, long sequence, string data, JobOptions options, DateTimeOffset createdAt)
    {
        public string Id { get; } = id;

        /// <summary>Orders jobs that are due or finished at the same instant; renewed on each move.</summary>
        public long Sequence { get; set; } = sequence;

        /// <summary>The data as JSON text, so that neither the caller nor a handler can change the stored job.</summary>
        public string Data { get; } = data;

        public JobOptions Options { get; } = options;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public JobState State { get; set; } = JobState.Waiting;

        public DateTimeOffset DueAt { get; set; }

        public DateTimeOffset? ProcessedAt { get; set; }

        public DateTimeOffset? FinishedAt { get; set; }

        public int AttemptsMade { get; set; }

        public string? FailedReason { get; set; }

        public string? ReturnValue { get; set; }

        public List<string> Stacktrace { get; set; } = [];
    }
}
