using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Accounts.Queues.Hosting;

/// <summary>
/// Hosts one <see cref="QueueWorker"/>. It starts in the background, so that the host starts even while Redis is
/// unreachable (the worker connects as soon as it can), and stops gracefully within the host's shutdown timeout.
/// </summary>
internal sealed partial class QueueWorkerService : IHostedService, IAsyncDisposable
{
    private readonly QueueWorker _worker;
    private readonly QueueWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _starting = Task.CompletedTask;
    private int _disposed;

    public QueueWorkerService(IJobQueue queue, string queueName, IJobHandler handler, QueueWorkerOptions options, TimeProvider time, ILogger<QueueWorkerService> logger)
    {
        _worker = queue.CreateWorker(queueName, handler, options);
        _options = options;
        _time = time;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _starting = Task.Run(StartWorkerAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host may stop a service it has disposed already (a test host torn down twice): nothing is left to stop.
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _starting;
        await _worker.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _starting;
        await _worker.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task StartWorkerAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await _worker.StartAsync(_stopping.Token);
                return;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                StartFailed(_logger, _worker.QueueName, _options.RetryProcessDelay, ex);
                try
                {
                    await Task.Delay(_options.RetryProcessDelay, _time, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(EventId = 5021, Level = LogLevel.Error, Message = "The worker for queue {Queue} could not start; trying again in {Delay}")]
    private static partial void StartFailed(ILogger logger, string queue, TimeSpan delay, Exception error);
}
