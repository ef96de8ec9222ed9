namespace Accounts.Redis;

/// <summary>
/// What both the shared client and a dedicated connection run. Typed helpers for common commands are extension
/// methods (<see cref="RedisCommandExtensions"/>) over these two methods, so another client library can stand in
/// by implementing just this.
/// </summary>
public interface IRedisCommands
{
    /// <summary>
    /// Sends <paramref name="command"/> (one word: <c>GET</c>, <c>CLIENT</c>, ...; sub-commands go in
    /// <paramref name="args"/>) and returns its reply.
    /// </summary>
    /// <exception cref="RedisServerException">The server answered with an error; the connection stays usable.</exception>
    /// <exception cref="RedisConnectionException">
    /// No connection within the command timeout (the command was not sent), or the connection was lost while the
    /// command was in flight (it may or may not have executed).
    /// </exception>
    /// <exception cref="RedisTimeoutException">No reply within the command timeout; the connection was replaced.</exception>
    /// <exception cref="OperationCanceledException">
    /// <paramref name="cancellationToken"/> was cancelled; a command already sent still runs, its reply is discarded.
    /// </exception>
    Task<RedisResult> ExecuteAsync(string command, ReadOnlyMemory<RedisValue> args, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="script"/> with EVALSHA; when the server no longer has it cached (NOSCRIPT, after a
    /// restart or SCRIPT FLUSH) sends it once with EVAL, which runs and caches it.
    /// </summary>
    Task<RedisResult> EvaluateAsync(RedisScript script, ReadOnlyMemory<RedisValue> keys = default, ReadOnlyMemory<RedisValue> args = default, CancellationToken cancellationToken = default);
}
