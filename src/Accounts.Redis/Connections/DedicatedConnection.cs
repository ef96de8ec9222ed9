namespace Accounts.Redis.Connections;

/// <summary>A connection of its own for blocking commands and transactions; see <see cref="IRedisConnection"/>.</summary>
internal sealed class DedicatedConnection : IRedisConnection
{
    private readonly ResilientConnection _connection;
    private readonly TimeSpan _commandTimeout;
    private readonly Action<DedicatedConnection> _onDisposed;

    public DedicatedConnection(ResilientConnection connection, TimeSpan commandTimeout, Action<DedicatedConnection> onDisposed)
    {
        _connection = connection;
        _commandTimeout = commandTimeout;
        _onDisposed = onDisposed;
    }

    public ResilientConnection Connection => _connection;

    public Task<RedisResult> ExecuteAsync(string command, ReadOnlyMemory<RedisValue> args, CancellationToken cancellationToken = default)
    {
        CommandRules.EnsureAllowedOnDedicated(command, args.Span);
        if (!CommandRules.IsBlocking(command, args.Span, out var blockFor))
        {
            return _connection.ExecuteAsync(command, args, _commandTimeout, abortOnCancel: false, cancellationToken);
        }

        // The server holds the reply for up to the command's own timeout; only after that is silence a failure.
        TimeSpan? replyTimeout = blockFor is { } block ? _commandTimeout + block : null;
        return _connection.ExecuteAsync(command, args, replyTimeout, abortOnCancel: true, cancellationToken);
    }

    public Task<RedisResult> EvaluateAsync(RedisScript script, ReadOnlyMemory<RedisValue> keys = default, ReadOnlyMemory<RedisValue> args = default, CancellationToken cancellationToken = default) =>
        ScriptRunner.EvaluateAsync(this, script, keys, args, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _onDisposed(this);
        await _connection.DisposeAsync();
    }
}
