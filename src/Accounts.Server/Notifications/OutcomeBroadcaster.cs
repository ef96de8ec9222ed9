using Accounts.Notifications;

namespace Accounts.Server.Notifications;

/// <summary>
/// The one subscriber of this process to the outcome feed: hands each outcome to <see cref="HubConnections"/>, which
/// sends it to the connections of its user and of its job.
/// </summary>
internal sealed class OutcomeBroadcaster(IOutcomeFeed feed, HubConnections connections, TimeProvider time, ILogger<OutcomeBroadcaster> logger)
    : IHostedService
{
    /// <summary>How long start-up waits for the feed to listen (Redis may be down; the feed keeps trying afterwards).</summary>
    private static readonly TimeSpan ListenWait = TimeSpan.FromSeconds(5);

    private IDisposable? _subscription;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe(connections.SendAsync);
        if (feed is OutcomeFeed shared)
        {
            // So that a process reported ready relays outcomes published from then on.
            using var limit = new CancellationTokenSource(ListenWait, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
            try
            {
                await shared.WhenListeningAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                NotificationsHubLog.NotListeningYet(logger, ListenWait);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }
}
