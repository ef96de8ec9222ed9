using Accounts.Notifications;
using Microsoft.AspNetCore.SignalR;

namespace Accounts.Server.Notifications;

/// <summary>
/// Outcomes of the caller's operations, as they happen: the client listens for the <c>outcome</c> event and calls
/// nothing (the hub has no methods). Whose outcomes a connection hears was decided when it was authenticated
/// (<see cref="HubListener"/>): its user's, or its ticket's job's. On connecting it first gets those kept from the
/// last <see cref="NotificationOptions.KeepFor"/>, so an outcome produced before the client listened is not lost,
/// then the live ones, each once (<see cref="HubConnections"/>).
/// </summary>
internal sealed class NotificationsHub(IOutcomeFeed feed, HubConnections connections, SessionWatch sessions, ILogger<NotificationsHub> logger) : Hub
{
    public override async Task OnConnectedAsync()
    {
        // The authorization policy admits no other principal on the opening request; this is the last line.
        var listener = HubListener.Of(Context.User)
            ?? throw new HubException("This connection has neither an active access token nor a redeemed job ticket.");
        string? accessToken = null;
        if (!listener.IsJob)
        {
            accessToken = Context.GetHttpContext() is { } http ? HubCredential.Read(http.Request) : null;
            if (accessToken is null)
            {
                throw new HubException("The connection's access token is missing.");
            }
        }

        var listening = connections.Add(Context.ConnectionId, ListenerKeys.Of(listener));
        Context.Items[typeof(Listening)] = listening;
        try
        {
            if (accessToken is not null)
            {
                sessions.Watch(Context, accessToken);
            }

            var kept = await KeptAsync(listener, Context.ConnectionAborted);
            await listening.StartAsync(kept, Context.ConnectionAborted);
            NotificationsHubLog.Connected(logger, Context.ConnectionId, listener.IsJob ? "a job" : "a user", kept.Count);
        }
        catch
        {
            // SignalR does not call OnDisconnectedAsync when OnConnectedAsync fails.
            Forget();
            throw;
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        Forget();
        return base.OnDisconnectedAsync(exception);
    }

    private void Forget()
    {
        sessions.Forget(Context.ConnectionId);
        if (Context.Items.Remove(typeof(Listening), out var listening))
        {
            connections.Remove((Listening)listening!);
        }
    }

    private async Task<IReadOnlyList<Outcome>> KeptAsync(HubListener listener, CancellationToken cancellationToken)
    {
        IReadOnlyList<Outcome> recent;
        try
        {
            recent = await feed.RecentAsync(listener.UserId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            NotificationsHubLog.KeptUnavailable(logger, Context.ConnectionId, ex);
            return [];
        }

        return listener.IsJob
            ? [.. recent.Where(o => string.Equals(o.Operation, listener.Operation, StringComparison.Ordinal) && string.Equals(o.JobId, listener.JobId, StringComparison.Ordinal))]
            : recent;
    }
}
