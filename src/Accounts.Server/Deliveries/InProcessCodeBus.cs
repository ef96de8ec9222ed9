using System.Threading.Channels;
using Accounts.Core.Verification;

namespace Accounts.Server.Deliveries;

/// <summary>
/// The bus without Kafka: requests published by the relay wait in this process's queue and are handed, one at a time
/// and in order, to the <see cref="ICodeRequestHandler"/> — with Kafka's semantics: a handler failure is retried
/// (with a growing pause) before anything later, a poison request is set aside with its reason (logged, and marked
/// failed in the outbox). A request lost with the process is still unsent in the outbox: after
/// <see cref="CodeRequestRelay.AbandonedAfter"/> a relay takes it again.
/// </summary>
internal sealed partial class InProcessCodeBus(IServiceProvider services, TimeProvider time, ILogger<InProcessCodeBus> logger)
    : BackgroundService, ICodeRequestPublisher
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly Channel<CodeRequest> _queue = Channel.CreateUnbounded<CodeRequest>(new UnboundedChannelOptions { SingleReader = true });
    private int _inFlight;

    /// <summary>Requests waiting or being handled (tests wait for none).</summary>
    public int Pending => Volatile.Read(ref _inFlight);

    public Task PublishAsync(CodeRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        if (!_queue.Writer.TryWrite(request))
        {
            Interlocked.Decrement(ref _inFlight);
            throw new InvalidOperationException("The in-process code bus is stopped.");
        }

        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var handler = services.GetRequiredService<ICodeRequestHandler>();
        try
        {
            await foreach (var request in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await HandleAsync(handler, request, stoppingToken);
                }
                finally
                {
                    Interlocked.Decrement(ref _inFlight);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task HandleAsync(ICodeRequestHandler handler, CodeRequest request, CancellationToken stoppingToken)
    {
        var message = new CodeRequestMessage(request.Id, "in-process/" + request.Id, request.UserId, request.Destination);
        var backoff = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                var handling = await handler.HandleAsync(message, stoppingToken);
                if (handling.IsPoison)
                {
                    Log.Poison(logger, request.Id, handling.PoisonReason!);
                }

                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Log.HandlerFailed(logger, request.Id, backoff, ex);
                await Task.Delay(backoff, time, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1032, Level = LogLevel.Error, Message = "Code request {RequestId} set aside, it can never be delivered: {Reason}")]
        public static partial void Poison(ILogger logger, string requestId, string reason);

        [LoggerMessage(EventId = 1033, Level = LogLevel.Warning, Message = "Code request {RequestId} was not delivered; trying again in {Delay}")]
        public static partial void HandlerFailed(ILogger logger, string requestId, TimeSpan delay, Exception exception);
    }
}
