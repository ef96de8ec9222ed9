using Accounts.Core.Verification;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Accounts.Bus.Kafka;

/// <summary>
/// Consumes <see cref="KafkaOptions.Topic"/> as group <see cref="KafkaOptions.GroupId"/> and hands each message to the
/// <see cref="ICodeRequestHandler"/> (resolved in a scope per message), one at a time, committing its offset only once
/// the handler has returned. So nothing is lost: a process that dies mid-message leaves it uncommitted, and the group
/// gives it to another consumer (the handler finds it sent if it was). A message that can never be handled (not the
/// expected JSON, or poison by the handler's word) is copied to <see cref="KafkaOptions.DeadLetterTopic"/> and then
/// committed, so it does not block its partition. A handler failure commits nothing: the consumer goes back to that
/// offset and tries again after a growing delay, so later messages of the partition wait their turn.
/// </summary>
/// <remarks>
/// The loop runs on a thread of its own: <see cref="IConsumer{TKey, TValue}.Consume(CancellationToken)"/> blocks, and
/// librdkafka wants one thread to poll, commit and seek. Stopping takes no new message, lets the one in hand finish
/// (the handler's token is cancelled only when the host's stop timeout runs out: that message stays uncommitted),
/// commits it, and closes the consumer, which leaves the group at once instead of after a session timeout.
/// </remarks>
internal sealed class KafkaCodeRequestConsumer : IHostedService, IDisposable
{
    private readonly KafkaOptions _options;
    private readonly IServiceScopeFactory _scopes;
    private readonly KafkaProducer _producer;
    private readonly KafkaTopicInitializer? _topics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _started;

    public KafkaCodeRequestConsumer(
        IOptions<KafkaOptions> options,
        IServiceScopeFactory scopes,
        KafkaProducer producer,
        ILogger<KafkaCodeRequestConsumer> logger,
        TimeProvider time,
        KafkaTopicInitializer? topics = null)
    {
        _options = options.Value;
        _scopes = scopes;
        _producer = producer;
        _logger = logger;
        _time = time;
        _topics = topics;
    }

    private enum Outcome
    {
        Committed,
        Retry,
        Interrupted,
    }

    /// <summary>Completes when the group first assigns partitions to this consumer (for tests and diagnostics).</summary>
    internal Task Assigned => _assigned.Task;

    /// <summary>Completes when the loop has ended and the consumer is closed.</summary>
    internal Task Stopped => _stopped.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        NativeLibraryLoader.EnsureLoaded();
        // A missing handler registration fails the start, not the first message.
        using (var scope = _scopes.CreateScope())
        {
            _ = scope.ServiceProvider.GetRequiredService<ICodeRequestHandler>();
        }

        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return Task.CompletedTask;
        }

        new Thread(Run) { IsBackground = true, Name = "Kafka " + _options.Topic }.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _started) == 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        // Past the host's patience, the message in hand is abandoned (uncommitted, so delivered again).
        using var giveUp = cancellationToken.Register(_abort.Cancel);
        await _stopped.Task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        // The loop's thread still uses the token sources; cancelled, it ends soon and they need no disposal.
        _stopping.Cancel();
        _abort.Cancel();
    }

    private void Run()
    {
        try
        {
            if (_topics is not null && !WaitForTopics(_topics))
            {
                return;
            }

            // A consumer that failed for good (a fatal librdkafka error, an exception of ours) is replaced by a new one
            // in the same group, which starts from the committed offsets: the message in hand comes again.
            for (var failures = 1; !_stopping.IsCancellationRequested; failures++)
            {
                try
                {
                    RunConsumer();
                    return;
                }
                catch (Exception ex)
                {
                    var delay = Backoff(failures);
                    KafkaLog.ConsumerFailed(_logger, _options.Topic, delay, ex);
                    if (!Wait(delay))
                    {
                        return;
                    }
                }
            }
        }
        finally
        {
            _assigned.TrySetCanceled();
            _stopped.TrySetResult();
        }
    }

    /// <summary>One consumer's life: subscribe, consume until stopping, leave the group.</summary>
    private void RunConsumer()
    {
        using var consumer = Build();
        consumer.Subscribe(_options.Topic);
        KafkaLog.ConsumerStarted(_logger, _options.Topic, _options.GroupId, Library.VersionString, NativeLibraryLoader.LoadedFrom);
        try
        {
            Consume(consumer);
        }
        finally
        {
            Close(consumer);
        }
    }

    private bool WaitForTopics(KafkaTopicInitializer topics)
    {
        try
        {
            topics.Ready.Wait(_stopping.Token);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or AggregateException)
        {
            return false;
        }
    }

    private void Consume(IConsumer<byte[]?, byte[]?> consumer)
    {
        var failures = 0;
        while (!_stopping.IsCancellationRequested)
        {
            ConsumeResult<byte[]?, byte[]?> result;
            try
            {
                result = consumer.Consume(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                // Broker-side trouble (a topic gone, a broker down): librdkafka keeps trying on its own.
                KafkaLog.ConsumeFailed(_logger, _options.Topic, ex.Error.Code, ex.Error.Reason);
                continue;
            }

            if (result?.Message is null)
            {
                continue;
            }

            var source = $"{result.Topic}/{result.Partition.Value}/{result.Offset.Value}";
            var (outcome, error, deadLettering) = HandleAsync(result, source).GetAwaiter().GetResult();
            switch (outcome)
            {
                case Outcome.Committed:
                    failures = 0;
                    Commit(consumer, result, source);
                    break;
                case Outcome.Interrupted:
                    KafkaLog.Interrupted(_logger, source);
                    return;
                default:
                    failures++;
                    var delay = Backoff(failures);
                    if (deadLettering)
                    {
                        KafkaLog.DeadLetterFailed(_logger, source, _options.DeadLetterTopic, failures, delay, error!);
                    }
                    else
                    {
                        KafkaLog.HandlerFailed(_logger, source, failures, delay, error!);
                    }

                    // Back to the failed offset: the partition's later messages, already fetched, are dropped and come
                    // again after it, in order.
                    Seek(consumer, result, source);
                    if (!Wait(delay))
                    {
                        return;
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// Hands the message over (or sets it aside) and says what to do with its offset, and for a retry, what failed:
    /// the handler, or the dead-lettering (after a poison verdict the handler then sees the message again).
    /// </summary>
    private async Task<(Outcome Outcome, Exception? Error, bool DeadLettering)> HandleAsync(ConsumeResult<byte[]?, byte[]?> result, string source)
    {
        var deadLettering = false;
        try
        {
            if (!CodeRequestWire.TryRead(result.Message, source, out var message, out var problem))
            {
                deadLettering = true;
                await DeadLetterAsync(result, problem, source);
                KafkaLog.MalformedDeadLettered(_logger, source, _options.DeadLetterTopic, problem);
                return (Outcome.Committed, null, false);
            }

            CodeRequestHandling handling;
            await using (var scope = _scopes.CreateAsyncScope())
            {
                var handler = scope.ServiceProvider.GetRequiredService<ICodeRequestHandler>();
                handling = await handler.HandleAsync(message, _abort.Token);
            }

            if (handling.PoisonReason is { } reason)
            {
                deadLettering = true;
                await DeadLetterAsync(result, reason, source);
                KafkaLog.PoisonDeadLettered(_logger, source, _options.DeadLetterTopic, CodeRequestWire.DeadLetterReasonHeader);
            }

            return (Outcome.Committed, null, false);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            return (Outcome.Interrupted, null, false);
        }
        catch (Exception ex)
        {
            return (Outcome.Retry, ex, deadLettering);
        }
    }

    private async Task DeadLetterAsync(ConsumeResult<byte[]?, byte[]?> result, string reason, string source) =>
        await _producer.ProduceAsync(_options.DeadLetterTopic, CodeRequestWire.ToDeadLetter(result.Message, reason, source), _abort.Token);

    private void Commit(IConsumer<byte[]?, byte[]?> consumer, ConsumeResult<byte[]?, byte[]?> result, string source)
    {
        try
        {
            consumer.Commit(result);
        }
        catch (KafkaException ex)
        {
            // Typically the partition moved to another consumer meanwhile (a rebalance): it will hand the message to
            // its handler again, which finds it handled.
            KafkaLog.CommitFailed(_logger, source, ex.Error.Reason);
        }
    }

    private void Seek(IConsumer<byte[]?, byte[]?> consumer, ConsumeResult<byte[]?, byte[]?> result, string source)
    {
        try
        {
            consumer.Seek(result.TopicPartitionOffset);
        }
        catch (KafkaException ex)
        {
            KafkaLog.SeekFailed(_logger, source, ex.Error.Reason);
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var delay = _options.RetryBaseDelay;
        for (var i = 1; i < failures && delay < _options.RetryMaxDelay; i++)
        {
            delay *= 2;
        }

        return delay < _options.RetryMaxDelay ? delay : _options.RetryMaxDelay;
    }

    /// <summary>Waits <paramref name="delay"/>; false when stopping cut it short.</summary>
    private bool Wait(TimeSpan delay)
    {
        try
        {
            Task.Delay(delay, _time, _stopping.Token).GetAwaiter().GetResult();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Close(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            // Leaves the group now, so its partitions go to another consumer at once rather than after a session timeout.
            consumer.Close();
            KafkaLog.ConsumerStopped(_logger, _options.GroupId);
        }
        catch (KafkaException ex)
        {
            KafkaLog.ConsumeFailed(_logger, _options.Topic, ex.Error.Code, ex.Error.Reason);
        }
    }

    private IConsumer<byte[]?, byte[]?> Build()
    {
        var config = new ConsumerConfig
        {
            GroupId = _options.GroupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // Offsets are committed by hand, one message at a time, after the handler: never one not yet handled.
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,
            SessionTimeoutMs = (int)_options.SessionTimeout.TotalMilliseconds,
            HeartbeatIntervalMs = (int)_options.HeartbeatInterval.TotalMilliseconds,
            // librdkafka requires it to be at least the session timeout; five minutes is its default.
            MaxPollIntervalMs = Math.Max(300_000, (int)_options.SessionTimeout.TotalMilliseconds),
            LogConnectionClose = false,
        };
        _options.ApplyTo(config);
        return new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, message) => KafkaLog.Forward(_logger, message))
            .SetErrorHandler((client, error) => KafkaLog.Forward(_logger, client.Name, error))
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                KafkaLog.PartitionsAssigned(_logger, _options.GroupId, Describe(partitions));
                _assigned.TrySetResult();
            })
            .SetPartitionsRevokedHandler((_, partitions) => KafkaLog.PartitionsRevoked(_logger, _options.GroupId, Describe(partitions)))
            .SetPartitionsLostHandler((_, partitions) => KafkaLog.PartitionsLost(_logger, _options.GroupId, Describe(partitions)))
            .Build();
    }

    private static string Describe(IEnumerable<TopicPartition> partitions) =>
        string.Join(", ", partitions.Select(partition => $"{partition.Topic}/{partition.Partition.Value}"));

    private static string Describe(IEnumerable<TopicPartitionOffset> partitions) =>
        Describe(partitions.Select(partition => partition.TopicPartition));
}
