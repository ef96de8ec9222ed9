namespace Accounts.Tcp.Client;

/// <summary>The server answered a request with an error status. <see cref="Code"/> is the stable code to rely on.</summary>
public sealed class TcpProtocolException : Exception
{
    public TcpProtocolException()
        : this("The server answered with an error.")
    {
    }

    public TcpProtocolException(string message)
        : this(message, null)
    {
    }

    public TcpProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Code = "error";
    }

    public TcpProtocolException(TcpStatus status, string code, string message, string? field = null, TimeSpan? retryAfter = null)
        : base(message)
    {
        Status = status;
        Code = code;
        Field = field;
        RetryAfter = retryAfter;
    }

    public TcpStatus Status { get; }

    /// <summary>The stable code: a protocol one (<c>rate_limited</c>, <c>invalid_json</c>...) or a use case's, as the HTTP API's <c>code</c>.</summary>
    public string Code { get; }

    /// <summary>The request field at fault, for validation errors.</summary>
    public string? Field { get; }

    /// <summary>When trying again may succeed (rate limits, locked accounts).</summary>
    public TimeSpan? RetryAfter { get; }
}

/// <summary>
/// The connection could not be opened or was lost. When <see cref="MayHaveExecuted"/> is false the request was
/// never written and can be sent again; when true it was written and the server may have run it (a retry may meet
/// its effect: a spent refresh token, a deleted account). The client reconnects on the next call.
/// </summary>
public sealed class TcpConnectionException : IOException
{
    public TcpConnectionException()
        : this("The connection to the server failed.")
    {
    }

    public TcpConnectionException(string message)
        : this(message, null)
    {
    }

    public TcpConnectionException(string message, Exception? innerException)
        : this(message, mayHaveExecuted: false, innerException)
    {
    }

    public TcpConnectionException(string message, bool mayHaveExecuted, Exception? innerException = null)
        : base(message, innerException)
    {
        MayHaveExecuted = mayHaveExecuted;
    }

    public bool MayHaveExecuted { get; }
}
