using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Accounts.Bus.Kafka;

/// <summary>
/// Creates <see cref="KafkaOptions.Topic"/> and <see cref="KafkaOptions.DeadLetterTopic"/> when they are missing, in the
/// background: the host starts even with every broker down (requests wait in the outbox), and this keeps trying with
/// a growing delay. <see cref="Ready"/> completes once both exist; the consumer subscribes only then, because a
/// consumer subscribed to a missing topic notices its creation only at its next metadata refresh (minutes).
/// </summary>
internal sealed class KafkaTopicInitializer(
    IOptions<KafkaOptions> options,
    ILogger<KafkaTopicInitializer> logger,
    TimeProvider time) : IHostedService, IDisposable
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private Task _run = Task.CompletedTask;
    private bool _metadataFallbackLogged;

    /// <summary>Completes once both topics exist; never fails (it is cancelled only by stopping).</summary>
    public Task Ready => _ready.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        NativeLibraryLoader.EnsureLoaded();
        _run = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _run.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _ready.TrySetCanceled();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var config = new AdminClientConfig { LogConnectionClose = false };
        settings.ApplyTo(config);
        using var admin = new AdminClientBuilder(config)
            .SetLogHandler((_, message) => KafkaLog.Forward(logger, message))
            .SetErrorHandler((client, error) => KafkaLog.Forward(logger, client.Name, error))
            .Build();
        var delay = settings.RetryBaseDelay;
        for (var attempt = 1; !cancellationToken.IsCancellationRequested; attempt++)
        {
            try
            {
                if (await EnsureTopicsAsync(admin, settings, cancellationToken))
                {
                    KafkaLog.TopicsReady(logger, settings.Topic, settings.DeadLetterTopic);
                    _ready.TrySetResult();
                    return;
                }

                KafkaLog.TopicsNotReady(logger, attempt, "the topics do not exist yet", delay);
            }
            catch (KafkaException ex)
            {
                KafkaLog.TopicsNotReady(logger, attempt, ex.Message, delay);
            }

            try
            {
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.RetryMaxDelay.Ticks));
        }

        _ready.TrySetCanceled(cancellationToken);
    }

    /// <summary>True once both topics exist; throws when the brokers cannot be reached.</summary>
    private async Task<bool> EnsureTopicsAsync(IAdminClient admin, KafkaOptions settings, CancellationToken cancellationToken)
    {
        // Listing first: where topics are managed by operators (and this service may not create any), it is enough.
        var missing = Missing(admin, settings);
        if (missing.Count == 0)
        {
            return true;
        }

        try
        {
            var creation = new CreateTopicsOptions { RequestTimeout = settings.AdminTimeout, OperationTimeout = settings.AdminTimeout };
            await admin.CreateTopicsAsync(
                missing.Select(topic => new TopicSpecification { Name = topic, NumPartitions = settings.Partitions, ReplicationFactor = settings.ReplicationFactor }),
                creation).WaitAsync(cancellationToken);
            foreach (var topic in missing)
            {
                KafkaLog.TopicCreated(logger, topic, settings.Partitions, settings.ReplicationFactor);
            }

            return true;
        }
        catch (CreateTopicsException ex)
        {
            // Another instance starting at the same moment may have created one: that is as good.
            foreach (var report in ex.Results.Where(report => report.Error.Code == ErrorCode.NoError))
            {
                KafkaLog.TopicCreated(logger, report.Topic, settings.Partitions, settings.ReplicationFactor);
            }

            var failure = ex.Results.FirstOrDefault(report => report.Error.Code is not (ErrorCode.NoError or ErrorCode.TopicAlreadyExists));
            if (failure is null)
            {
                return true;
            }

            throw new KafkaException(new Error(failure.Error.Code, $"creating {failure.Topic} failed: {failure.Error.Reason}"));
        }
        catch (KafkaException ex) when (ex.Error.Code == ErrorCode.Local_TimedOut)
        {
            // No answer, though the listing above just got one: the cluster names no live controller. librdkafka's mock
            // cluster (the tests' broker) is like that for good, having no CreateTopics at all; a real cluster only
            // during a controller election. Asking for the topics by name creates them on a broker with
            // auto.create.topics.enable, exactly as the first publish would anyway.
            if (!_metadataFallbackLogged)
            {
                KafkaLog.CreateTopicsUnanswered(logger, string.Join(", ", missing), settings.AdminTimeout);
                _metadataFallbackLogged = true;
            }

            foreach (var topic in missing)
            {
                admin.GetMetadata(topic, settings.AdminTimeout);
            }

            return Missing(admin, settings).Count == 0;
        }
    }

    private static List<string> Missing(IAdminClient admin, KafkaOptions settings)
    {
        // Listing every topic does not create any, unlike asking for one by name.
        var existing = admin.GetMetadata(settings.AdminTimeout).Topics
            .Where(topic => topic.Error.Code == ErrorCode.NoError)
            .Select(topic => topic.Topic)
            .ToHashSet(StringComparer.Ordinal);
        return new[] { settings.Topic, settings.DeadLetterTopic }.Where(topic => !existing.Contains(topic)).ToList();
    }
}
