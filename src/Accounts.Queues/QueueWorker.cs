using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Accounts.Queues;

/// <summary>
/// Runs one queue's jobs with an <see cref="IJobHandler"/>, up to <see cref="QueueWorkerOptions.Concurrency"/> at
/// once, the way a bull@4 worker (<c>queue.process(concurrency, handler)</c>) does: it waits for jobs, renews each
/// running job's lock, completes a job with the handler's return value or fails it with the exception's message,
/// retries per the job's <c>attempts</c> and <c>backoff</c>, moves delayed jobs to wait when due, and puts back the
/// jobs of workers that died (the stalled-job check). Create it with <see cref="IJobQueue.CreateWorker"/>.
/// </summary>
/// <remarks>
/// Stopping is graceful: no new job is taken and running ones finish, until the token given to
/// <see cref="StopAsync"/> fires; then the handlers' tokens are cancelled, a job whose handler ends by cancellation
/// within <see cref="QueueWorkerOptions.ShutdownGrace"/> is put back at the front of the line, and one still running
/// is left to the stalled-job check of another worker. Disposing stops at once (an already cancelled token).
/// </remarks>
public sealed class QueueWorker : IAsyncDisposable
{
    private readonly IQueueBackend _backend;
    private readonly string _backendName;
    private readonly IJobHandler _handler;
    private readonly QueueWorkerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _aborting = new();
    private readonly SemaphoreSlim _slots;
    private readonly Lock _gate = new();
    private readonly List<Task> _running = [];
    private Task _loops = Task.CompletedTask;
    private Task? _stopped;
    private bool _started;

    internal QueueWorker(
        string queueName,
        string backendName,
        IQueueBackend backend,
        IJobHandler handler,
        QueueWorkerOptions options,
        ILogger logger,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(handler);
        QueueName = queueName;
        _backendName = backendName;
        _backend = backend;
        _handler = handler;
        _options = options;
        _logger = logger;
        _time = time;
        _slots = new SemaphoreSlim(options.Concurrency, options.Concurrency);
    }

    private enum Outcome
    {
        Complete,
        Fail,

        /// <summary>Give the job back untouched (the worker is stopping).</summary>
        Release,

        /// <summary>Another worker may hold the job now: record nothing.</summary>
        Drop,

        /// <summary>The handler did not stop: leave the job to the stalled-job check.</summary>
        Abandon,
    }

    public string QueueName { get; }

    /// <summary>How many jobs are running now.</summary>
    public int RunningCount
    {
        get
        {
            lock (_gate)
            {
                return _running.Count(task => !task.IsCompleted);
            }
        }
    }

    /// <summary>
    /// Starts taking jobs; returns once the worker is connected (and, on Redis, has looked for stalled jobs). When it
    /// cannot connect it throws, and may be started again.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped is not null, this);
            if (_started)
            {
                throw new InvalidOperationException("The worker has started already.");
            }

            _started = true;
        }

        try
        {
            await _backend.StartAsync(cancellationToken);
        }
        catch
        {
            // Not started: the caller may try again (Redis may be down for a moment).
            lock (_gate)
            {
                _started = false;
            }

            throw;
        }

        if (_backend.UsesLocks)
        {
            // As Bull does: first put back what a dead worker left behind.
            await CheckStalledOnceAsync(cancellationToken);
        }

        _loops = Task.WhenAll(
            Task.Run(FetchAsync, CancellationToken.None),
            Task.Run(PromoteDelayedAsync, CancellationToken.None),
            _backend.UsesLocks ? Task.Run(CheckStalledPeriodicallyAsync, CancellationToken.None) : Task.CompletedTask);
        QueueLog.WorkerStarted(_logger, QueueName, _backendName, _options.Concurrency);
    }

    /// <summary>
    /// Stops taking jobs and waits for the running ones; when <paramref name="cancellationToken"/> fires, cancels
    /// them (see the remarks on the class). Calling it again returns the first call's task.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource? mine = null;
        Task stopped;
        lock (_gate)
        {
            if (_stopped is null)
            {
                mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _stopped = mine.Task;
            }

            stopped = _stopped;
        }

        if (mine is not null)
        {
            try
            {
                await StopCoreAsync(cancellationToken);
                mine.SetResult();
            }
            catch (Exception ex)
            {
                mine.SetException(ex);
            }
        }

        await stopped;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(new CancellationToken(canceled: true));
        _stopping.Dispose();
        _aborting.Dispose();
        _slots.Dispose();
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loops;

        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        var all = Task.WhenAll(running);
        if (!all.IsCompleted)
        {
            try
            {
                await all.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                QueueLog.StopForced(_logger, QueueName, running.Count(task => !task.IsCompleted));
                await _aborting.CancelAsync();
                await all;
            }
        }

        await _backend.DisposeAsync();
        if (_started)
        {
            QueueLog.WorkerStopped(_logger, QueueName);
        }
    }

    private async Task FetchAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _slots.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Job? job;
            try
            {
                job = await _backend.TakeAsync(_options.DrainDelay, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                _slots.Release();
                return;
            }
            catch (Exception ex)
            {
                _slots.Release();
                QueueLog.FetchFailed(_logger, QueueName, _options.RetryProcessDelay, ex);
                if (!await DelayAsync(_options.RetryProcessDelay, stopping))
                {
                    return;
                }

                continue;
            }

            if (job is null)
            {
                _slots.Release();
                continue;
            }

            if (stopping.IsCancellationRequested)
            {
                // Taken just as the worker began to stop: give it back untouched.
                await RecordAsync(job, Outcome.Release, null, null, _time.GetTimestamp());
                _slots.Release();
                return;
            }

            var run = Task.Run(() => RunAsync(job), CancellationToken.None);
            lock (_gate)
            {
                _running.RemoveAll(task => task.IsCompleted);
                _running.Add(run);
            }
        }
    }

    private async Task RunAsync(Job job)
    {
        try
        {
            await RunCoreAsync(job);
        }
        catch (Exception ex)
        {
            QueueLog.FinishFailed(_logger, QueueName, job.Id, ex);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task RunCoreAsync(Job job)
    {
        var started = _time.GetTimestamp();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(_aborting.Token);
        var timedOut = 0;
        var lockLost = 0;
        using var timeoutTimer = job.Options.Timeout is { } timeout
            ? _time.CreateTimer(_ => { Volatile.Write(ref timedOut, 1); TryCancel(run); }, null, timeout, Timeout.InfiniteTimeSpan)
            : null;
        using var renewing = new CancellationTokenSource();
        var renewal = _backend.UsesLocks
            ? RenewLockAsync(job, () => { Volatile.Write(ref lockLost, 1); TryCancel(run); }, renewing.Token)
            : Task.CompletedTask;

        Task<JsonNode?> handling;
        try
        {
            handling = _handler.HandleAsync(job, run.Token) ?? Task.FromResult<JsonNode?>(null);
        }
        catch (Exception ex)
        {
            handling = Task.FromException<JsonNode?>(ex);
        }

        var outcome = Outcome.Complete;
        JsonNode? result = null;
        Exception? error = null;
        try
        {
            result = await handling.WaitAsync(run.Token);
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            Observe(handling);
            if (Volatile.Read(ref lockLost) == 1)
            {
                outcome = Outcome.Drop;
            }
            else if (Volatile.Read(ref timedOut) == 1)
            {
                var limit = job.Options.Timeout!.Value;
                QueueLog.JobTimedOut(_logger, QueueName, job.Id, limit);
                outcome = Outcome.Fail;
                error = new TimeoutException($"Promise timed out after {(long)Math.Ceiling(limit.TotalMilliseconds)} milliseconds");
            }
            else
            {
                (outcome, result, error) = await WindUpAsync(job, handling);
            }
        }
        catch (Exception ex)
        {
            outcome = Outcome.Fail;
            error = ex;
        }

        await renewing.CancelAsync();
        await renewal;
        await RecordAsync(job, outcome, result, error, started);
    }

    /// <summary>The worker is stopping at once: the handler gets the grace period to end.</summary>
    private async Task<(Outcome, JsonNode?, Exception?)> WindUpAsync(Job job, Task<JsonNode?> handling)
    {
        try
        {
            return (Outcome.Complete, await handling.WaitAsync(_options.ShutdownGrace, _time), null);
        }
        catch (TimeoutException) when (!handling.IsCompleted)
        {
            QueueLog.JobAbandoned(_logger, QueueName, job.Id, _options.ShutdownGrace);
            return (Outcome.Abandon, null, null);
        }
        catch (OperationCanceledException)
        {
            return (Outcome.Release, null, null);
        }
        catch (Exception ex)
        {
            return (Outcome.Fail, null, ex);
        }
    }

    private async Task RecordAsync(Job job, Outcome outcome, JsonNode? result, Exception? error, long started)
    {
        try
        {
            switch (outcome)
            {
                case Outcome.Complete:
                    var completed = await _backend.CompleteAsync(job, result, CancellationToken.None);
                    if (completed == FinishResult.Done)
                    {
                        QueueLog.JobCompleted(_logger, QueueName, job.Id, _time.GetElapsedTime(started));
                    }
                    else
                    {
                        QueueLog.LockLost(_logger, QueueName, job.Id, completed.ToString());
                    }

                    break;
                case Outcome.Fail:
                    var failure = Decide(job, error!);
                    var failed = await _backend.FailAsync(job, failure, CancellationToken.None);
                    if (failed != FinishResult.Done)
                    {
                        QueueLog.LockLost(_logger, QueueName, job.Id, failed.ToString());
                    }
                    else if (failure.RetryAt is { } retryAt)
                    {
                        var delay = retryAt - _time.GetUtcNow();
                        QueueLog.JobRetrying(_logger, QueueName, job.Id, failure.AttemptsMade, job.Options.Attempts, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, error);
                    }
                    else
                    {
                        if (job.IsDiscarded)
                        {
                            QueueLog.JobDiscarded(_logger, QueueName, job.Id);
                        }

                        QueueLog.JobFailed(_logger, QueueName, job.Id, failure.AttemptsMade, error);
                    }

                    break;
                case Outcome.Release:
                    if (await _backend.ReleaseAsync(job, CancellationToken.None) == FinishResult.Done)
                    {
                        QueueLog.JobReleased(_logger, QueueName, job.Id);
                    }

                    break;
                case Outcome.Drop:
                    QueueLog.LockLost(_logger, QueueName, job.Id, "renewal refused");
                    break;
            }
        }
        catch (Exception ex)
        {
            QueueLog.FinishFailed(_logger, QueueName, job.Id, ex);
        }
    }

    /// <summary>Bull's rule: retry while fewer runs failed than the job's attempts, after its backoff.</summary>
    private JobFailure Decide(Job job, Exception error)
    {
        var attemptsMade = job.AttemptsMade + 1;
        var traces = job.Stacktrace.Append(error.ToString()).ToList();
        if (job.Options.StackTraceLimit is > 0 and var limit && traces.Count > limit)
        {
            traces.RemoveRange(0, traces.Count - limit);
        }

        DateTimeOffset? retryAt = null;
        if (attemptsMade < job.Options.Attempts && !job.IsDiscarded)
        {
            retryAt = _time.GetUtcNow() + (job.Options.Backoff?.DelayAfter(attemptsMade) ?? TimeSpan.Zero);
        }

        return new JobFailure(error.Message, attemptsMade, traces, retryAt);
    }

    private async Task RenewLockAsync(Job job, Action onLost, CancellationToken stop)
    {
        var every = _options.EffectiveLockRenewTime;
        while (await DelayAsync(every, stop))
        {
            try
            {
                if (!await _backend.ExtendLockAsync(job, _options.LockDuration, stop))
                {
                    onLost();
                    return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                QueueLog.RenewFailed(_logger, QueueName, job.Id, ex);
            }
        }
    }

    private async Task PromoteDelayedAsync()
    {
        var stopping = _stopping.Token;
        using var changed = new SemaphoreSlim(0, 1);
        IAsyncDisposable? watch = null;
        try
        {
            watch = await _backend.WatchDelayedAsync(() => Signal(changed), stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            QueueLog.WatchFailed(_logger, QueueName, _options.GuardInterval, ex);
        }

        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var wait = _options.GuardInterval;
                try
                {
                    if (await _backend.PromoteDelayedAsync(stopping) is { } next)
                    {
                        var until = next - _time.GetUtcNow();
                        wait = until < TimeSpan.Zero ? TimeSpan.Zero : until < wait ? until : wait;
                    }
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    QueueLog.PromoteFailed(_logger, QueueName, ex);
                }

                if (wait > TimeSpan.Zero && !await WaitForSignalAsync(changed, wait, stopping))
                {
                    return;
                }
            }
        }
        finally
        {
            if (watch is not null)
            {
                await watch.DisposeAsync();
            }
        }
    }

    private async Task CheckStalledPeriodicallyAsync()
    {
        while (await DelayAsync(_options.StalledInterval, _stopping.Token))
        {
            await CheckStalledOnceAsync(_stopping.Token);
        }
    }

    private async Task CheckStalledOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var stalled = await _backend.CheckStalledAsync(_options.StalledInterval, _options.MaxStalledCount, cancellationToken);
            if (stalled.Recovered.Count > 0)
            {
                QueueLog.StalledRecovered(_logger, stalled.Recovered.Count, QueueName);
            }

            if (stalled.Failed.Count > 0)
            {
                QueueLog.StalledFailed(_logger, stalled.Failed.Count, QueueName);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            QueueLog.StalledCheckFailed(_logger, QueueName, ex);
        }
    }

    /// <summary>Waits for <paramref name="delay"/> on the worker's clock; false when cancelled first.</summary>
    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits until <paramref name="signal"/> is set or <paramref name="timeout"/> passes; false when cancelled.</summary>
    private async Task<bool> WaitForSignalAsync(SemaphoreSlim signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signalled = signal.WaitAsync(either.Token);
        var elapsed = Task.Delay(timeout, _time, either.Token);
        await Task.WhenAny(signalled, elapsed);
        await either.CancelAsync();
        try
        {
            await signalled;
        }
        catch (OperationCanceledException)
        {
        }

        return !cancellationToken.IsCancellationRequested;
    }

    private static void Signal(SemaphoreSlim signal)
    {
        try
        {
            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
        }
    }

    private static void TryCancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>A handler left running must not raise an unobserved exception later.</summary>
    private static void Observe(Task task) =>
        task.ContinueWith(static done => _ = done.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
