namespace Accounts.Notifications;

/// <summary>
/// One place outcomes go (the Socket.IO bridge, the feed the SignalR hub reads). A sink must not throw for a
/// delivery problem of its own: it keeps or drops the outcome and logs why, so that one sink down does not keep
/// an outcome from the others.
/// </summary>
public interface IOutcomeSink
{
    Task PublishAsync(Outcome outcome, CancellationToken cancellationToken);
}

/// <summary>Publishes an outcome to every registered <see cref="IOutcomeSink"/>. What the job door calls.</summary>
public interface IOutcomePublisher
{
    Task PublishAsync(Outcome outcome, CancellationToken cancellationToken);
}
