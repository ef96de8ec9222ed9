namespace Accounts.Redis;

/// <summary>
/// A Redis client for one server. <see cref="IRedisCommands.ExecuteAsync"/> runs on one shared, multiplexed
/// connection; commands that change or block that connection (MULTI, WATCH, SELECT, BLPOP, BRPOPLPUSH, SUBSCRIBE,
/// ...) are refused there: use <see cref="SubscribeAsync"/> or a dedicated connection. Thread-safe; register one
/// per process.
/// </summary>
public interface IRedisClient : IRedisCommands, IAsyncDisposable
{
    /// <summary>
    /// Subscribes <paramref name="handler"/> to <paramref name="channels"/> (names and patterns) on the client's
    /// subscriber connection, and returns once the server has confirmed. After a reconnection the client subscribes
    /// again by itself; messages published while it was disconnected are lost, as Redis pub/sub never stores them.
    /// Each subscription's messages reach its handler one at a time, in order, off the connection's read loop; a
    /// handler that throws is logged and keeps receiving. Disposing the subscription unsubscribes: no handler call
    /// starts afterwards (the token passed to the handler is cancelled).
    /// </summary>
    Task<IAsyncDisposable> SubscribeAsync(
        IReadOnlyCollection<RedisChannel> channels,
        Func<RedisMessage, CancellationToken, ValueTask> handler,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a connection of its own, for blocking commands (BRPOPLPUSH, BLPOP, BZPOPMIN, XREAD BLOCK, ...) and
    /// transactions (WATCH/MULTI/EXEC). Returns once it is connected; dispose it when done.
    /// </summary>
    Task<IRedisConnection> CreateDedicatedConnectionAsync(CancellationToken cancellationToken = default);
}
