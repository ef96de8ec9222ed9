using System.Collections.Concurrent;
using Accounts.Core.Sessions;
using Accounts.Notifications;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Accounts.Server.Notifications;

/// <summary>
/// Checks the access token of every open user connection again every
/// <see cref="NotificationOptions.RecheckTokensEvery"/>, through <see cref="VerifyToken"/>, and closes the
/// connections whose token is no longer active: signing out, changing or resetting the password and deleting the
/// account end the sessions, and a connection that outlived its session would go on hearing a profile or a phone
/// number. (SignalR's own CloseOnAuthenticationExpiration covers expiry, to the second, on the system clock.) A check
/// that fails because a dependency is down keeps the connection until the next check.
/// </summary>
internal sealed class SessionWatch(VerifyToken verifyToken, IOptions<NotificationOptions> options, TimeProvider time, ILogger<SessionWatch> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<string, Watched> _connections = new(StringComparer.Ordinal);

    public void Watch(HubCallerContext connection, string accessToken) =>
        _connections[connection.ConnectionId] = new Watched(connection, accessToken);

    public void Forget(string connectionId) => _connections.TryRemove(connectionId, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RecheckTokensEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RecheckAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RecheckAsync(CancellationToken cancellationToken)
    {
        foreach (var (connectionId, watched) in _connections)
        {
            TokenStatus status;
            try
            {
                status = await verifyToken.ExecuteAsync(watched.AccessToken, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                NotificationsHubLog.RecheckFailed(logger, connectionId, ex);
                continue;
            }

            if (!status.Active && _connections.TryRemove(new KeyValuePair<string, Watched>(connectionId, watched)))
            {
                NotificationsHubLog.TokenEnded(logger, connectionId);
                watched.Connection.Abort();
            }
        }
    }

    private sealed record Watched(HubCallerContext Connection, string AccessToken);
}
