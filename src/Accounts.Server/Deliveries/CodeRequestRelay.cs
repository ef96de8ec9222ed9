using Accounts.Core.Verification;

namespace Accounts.Server.Deliveries;

/// <summary>
/// Publishes the outbox's code requests to the bus (Kafka's topic, or this process's queue), oldest first, and marks
/// each published. A request the bus does not take stays in the outbox and is tried again, so a broker down when a
/// code is asked for only delays it. Woken at once by a new request in this process, and every
/// <see cref="PollInterval"/> for those written by other processes. Also forgets requests sent a week ago.
/// </summary>
internal sealed partial class CodeRequestRelay(
    ICodeRequestOutbox outbox,
    ICodeRequestPublisher publisher,
    CodeRequestSignal signal,
    TimeProvider time,
    ILogger<CodeRequestRelay> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan KeepSent = TimeSpan.FromDays(7);

    /// <summary>How long a request taken into a process's queue may stay unsent before another process takes it again.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);
    private const int Batch = 100;

    private int _busy;
    private DateTimeOffset _nextPrune;

    /// <summary>True while a pass over the outbox runs (tests wait for the relay to be idle).</summary>
    public bool IsBusy => Volatile.Read(ref _busy) != 0;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(backoff > TimeSpan.Zero ? backoff : PollInterval, time, stoppingToken);
                Volatile.Write(ref _busy, 1);
                await PublishPendingAsync(stoppingToken);
                await PruneAsync(stoppingToken);
                backoff = TimeSpan.Zero;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                Log.PublishFailed(logger, backoff, ex);
            }
            finally
            {
                Volatile.Write(ref _busy, 0);
            }
        }
    }

    private async Task PublishPendingAsync(CancellationToken cancellationToken)
    {
        if (publisher is InProcessCodeBus)
        {
            // A process that died with requests in its queue left them marked published and unsent: after a while, any
            // process takes them again. (Kafka keeps what it was given; there, the broker redelivers instead.)
            var now = time.GetUtcNow();
            foreach (var request in await outbox.ReclaimAbandonedAsync(now - AbandonedAfter, now, Batch, cancellationToken))
            {
                Log.Reclaimed(logger, request.Id);
                await publisher.PublishAsync(request, cancellationToken);
            }
        }

        while (true)
        {
            var pending = await outbox.UnpublishedAsync(Batch, cancellationToken);
            foreach (var request in pending)
            {
                if (publisher is InProcessCodeBus)
                {
                    // Processes sharing the database each have their own queue: the one that marks the request takes
                    // it, so it is sent once. (Taking it into memory cannot fail; a crash before it is sent loses it.)
                    if (await outbox.MarkPublishedAsync(request.Id, time.GetUtcNow(), cancellationToken))
                    {
                        await publisher.PublishAsync(request, cancellationToken);
                    }

                    continue;
                }

                // Kafka: published first, marked after. Relays racing may both publish it; keyed by its id, the copies
                // reach one consumer in order, and the second finds the request sent.
                await publisher.PublishAsync(request, cancellationToken);
                await outbox.MarkPublishedAsync(request.Id, time.GetUtcNow(), cancellationToken);
            }

            if (pending.Count < Batch)
            {
                return;
            }
        }
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextPrune)
        {
            return;
        }

        _nextPrune = now + TimeSpan.FromHours(1);
        var pruned = await outbox.PruneAsync(now - KeepSent, cancellationToken);
        if (pruned > 0)
        {
            Log.Pruned(logger, pruned);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1030, Level = LogLevel.Warning, Message = "Code requests could not be published; the outbox keeps them, trying again in {Delay}")]
        public static partial void PublishFailed(ILogger logger, TimeSpan delay, Exception exception);

        [LoggerMessage(EventId = 1031, Level = LogLevel.Information, Message = "Forgot {Count} code requests sent more than a week ago")]
        public static partial void Pruned(ILogger logger, int count);

        [LoggerMessage(EventId = 1035, Level = LogLevel.Warning, Message = "Code request {RequestId} was taken by a process that did not send it; taking it again")]
        public static partial void Reclaimed(ILogger logger, string requestId);
    }
}

/// <summary>Wakes the relay when this process writes a request, so that it need not wait for its next poll.</summary>
internal sealed class CodeRequestSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers every request written meanwhile.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = time.CreateTimer(_ => limit.Cancel(), null, timeout, Timeout.InfiniteTimeSpan);
        try
        {
            await _signal.WaitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>The outbox, waking the relay after each request this process writes.</summary>
internal sealed class SignalingOutbox(ICodeRequestOutbox inner, CodeRequestSignal signal) : DelegatingCodeRequestOutbox(inner)
{
    public override async Task AddAsync(CodeRequest request, CancellationToken cancellationToken)
    {
        await Inner.AddAsync(request, cancellationToken);
        if (request.PublishedAt is null)
        {
            signal.Notify();
        }
    }
}
