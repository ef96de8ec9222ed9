using System.Net;

namespace Accounts.Tcp;

/// <summary>Who sent a request: the same for every request of one connection.</summary>
public sealed class TcpConnectionContext
{
    public TcpConnectionContext(string connectionId, EndPoint? remoteEndPoint)
    {
        ConnectionId = connectionId;
        RemoteEndPoint = remoteEndPoint;
        ClientAddress = remoteEndPoint is IPEndPoint ip ? ip.Address.ToString() : null;
    }

    /// <summary>Kestrel's id of the connection, as in its logs.</summary>
    public string ConnectionId { get; }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The peer's IP address in the form the HTTP door gives the use cases (for audit and limits); null for a non-IP transport.</summary>
    public string? ClientAddress { get; }
}
