namespace Accounts.Redis;

/// <summary>
/// A dedicated connection: commands run one after another on a socket nobody else uses. A blocking command's own
/// timeout is added to the command timeout (a block of 0, forever, waits without limit except for cancellation),
/// and cancelling a blocking command drops the connection so that the next command does not queue behind it. If the
/// connection is lost it reconnects like the shared one (a transaction in progress is then lost).
/// </summary>
public interface IRedisConnection : IRedisCommands, IAsyncDisposable
{
}
