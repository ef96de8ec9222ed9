namespace Accounts.Notifications.SocketIo.Protocol;

/// <summary>The peer sent something that is not Engine.IO v4 / Socket.IO v5 as this client understands it.</summary>
internal sealed class SocketIoProtocolException : Exception
{
    public SocketIoProtocolException(string message)
        : base(message)
    {
    }

    public SocketIoProtocolException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>The server answered the namespace connect with <c>connect_error</c> (a middleware said no, e.g. a bad token).</summary>
internal sealed class SocketIoConnectRefusedException(string reason)
    : Exception($"The server refused the connection to the namespace: {reason}")
{
    public string Reason { get; } = reason;
}
