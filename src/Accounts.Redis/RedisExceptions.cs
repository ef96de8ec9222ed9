namespace Accounts.Redis;

/// <summary>The base of the failures this client reports, other than timeouts (<see cref="RedisTimeoutException"/>).</summary>
public class RedisException : Exception
{
    public RedisException()
    {
    }

    public RedisException(string message)
        : base(message)
    {
    }

    public RedisException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// No connection, or the connection was lost. When <see cref="MayHaveExecuted"/> is false the command was never
/// written and is safe to send again; when it is true the command was in flight and the server may have run it:
/// the client never resends such a command by itself.
/// </summary>
public sealed class RedisConnectionException : RedisException
{
    public RedisConnectionException()
    {
    }

    public RedisConnectionException(string message)
        : base(message)
    {
    }

    public RedisConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public RedisConnectionException(string message, bool mayHaveExecuted, Exception? innerException = null)
        : base(message, innerException)
    {
        MayHaveExecuted = mayHaveExecuted;
    }

    public bool MayHaveExecuted { get; }
}

/// <summary>An error reply (<c>-ERR ...</c>, <c>-WRONGTYPE ...</c>, ...). The connection stays usable.</summary>
public sealed class RedisServerException : RedisException
{
    public RedisServerException()
        : this("ERR")
    {
    }

    public RedisServerException(string message)
        : base(message)
    {
        ErrorCode = ReadErrorCode(message);
    }

    public RedisServerException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ErrorCode = ReadErrorCode(message);
    }

    /// <summary>The error's first word when it is an upper-case code (<c>ERR</c>, <c>WRONGTYPE</c>, <c>NOSCRIPT</c>, ...); otherwise empty.</summary>
    public string ErrorCode { get; }

    private static string ReadErrorCode(string message)
    {
        var end = message.IndexOf(' ', StringComparison.Ordinal);
        var word = end < 0 ? message : message[..end];
        return word.Length > 0 && word.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_') ? word : "";
    }
}

/// <summary>
/// No reply within the command timeout. Replies are matched to commands in order, so the connection that timed out
/// was dropped (and is being replaced): the command may or may not have executed.
/// </summary>
public sealed class RedisTimeoutException : TimeoutException
{
    public RedisTimeoutException()
    {
    }

    public RedisTimeoutException(string message)
        : base(message)
    {
    }

    public RedisTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The server sent something that is not RESP2 (or not what was expected); the connection is dropped.</summary>
public sealed class RedisProtocolException : RedisException
{
    public RedisProtocolException()
    {
    }

    public RedisProtocolException(string message)
        : base(message)
    {
    }

    public RedisProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
