using Microsoft.Extensions.Logging;

namespace Accounts.Notifications;

/// <summary>
/// Hands each outcome to every registered sink at once. A sink that fails is logged and skipped: the others still
/// get the outcome, and the caller (a job that has already done its work) is not failed for a notification.
/// </summary>
public sealed class OutcomePublisher(IEnumerable<IOutcomeSink> sinks, ILogger<OutcomePublisher> logger) : IOutcomePublisher
{
    private readonly IOutcomeSink[] _sinks = [.. sinks];

    public async Task PublishAsync(Outcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await Task.WhenAll(_sinks.Select(sink => PublishToAsync(sink, outcome, cancellationToken)));
    }

    private async Task PublishToAsync(IOutcomeSink sink, Outcome outcome, CancellationToken cancellationToken)
    {
        try
        {
            await sink.PublishAsync(outcome, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            NotificationsLog.SinkFailed(logger, sink.GetType().Name, outcome.Operation, outcome.JobId, ex);
        }
    }
}
