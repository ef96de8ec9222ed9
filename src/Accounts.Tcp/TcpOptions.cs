using System.Net;

namespace Accounts.Tcp;

/// <summary>The TCP front door (section <c>Accounts:Tcp</c>): where it listens and the limits each connection meets.</summary>
public sealed class TcpOptions
{
    public const string Section = "Accounts:Tcp";

    /// <summary>The address to listen on; loopback by default, like the HTTP door.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The port to listen on; 0 disables the door (<c>Accounts__Tcp__Port=0</c>).</summary>
    public int Port { get; set; } = 3001;

    /// <summary>The largest declared frame length (bytes after the length field) a client may send; larger gets <c>frame_too_large</c> and a close.</summary>
    public int MaxFrameBytes { get; set; } = 64 * 1024;

    /// <summary>A connection that completes no frame for this long, with no request in progress, is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Connections open at once; one more is answered <c>too_many_connections</c> and closed.</summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>Sustained requests per second per connection (token bucket refill rate); above it, <c>rate_limited</c>.</summary>
    public int RequestsPerSecond { get; set; } = 100;

    /// <summary>Requests a connection may send at once before the rate applies (token bucket size).</summary>
    public int RequestBurst { get; set; } = 200;

    /// <summary>
    /// Requests of one connection received and not yet answered: processed concurrently, answered in order. When
    /// reached, the connection's socket is not read until an answer is written. 1 processes one request at a time.
    /// </summary>
    public int MaxConcurrentRequestsPerConnection { get; set; } = 16;

    public bool Enabled => Port != 0;

    public IPEndPoint EndPoint => new(IPAddress.Parse(Address), Port);

    /// <summary>The first setting out of range, as a message naming it; null when all are valid.</summary>
    public string? Validate()
    {
        if (!IPAddress.TryParse(Address, out _))
        {
            return $"{Section}:{nameof(Address)} must be an IP address (such as 127.0.0.1 or 0.0.0.0), not '{Address}'.";
        }

        if (Port is < 0 or > 65535)
        {
            return $"{Section}:{nameof(Port)} must be 0 (disabled) or between 1 and 65535.";
        }

        if (MaxFrameBytes is < 1024 or > 16 * 1024 * 1024)
        {
            return $"{Section}:{nameof(MaxFrameBytes)} must be between 1024 and 16777216.";
        }

        if (IdleTimeout <= TimeSpan.Zero || IdleTimeout > TimeSpan.FromDays(1))
        {
            return $"{Section}:{nameof(IdleTimeout)} must be positive and at most 1.00:00:00.";
        }

        if (MaxConnections is < 1 or > 1_000_000)
        {
            return $"{Section}:{nameof(MaxConnections)} must be between 1 and 1000000.";
        }

        if (RequestsPerSecond < 1)
        {
            return $"{Section}:{nameof(RequestsPerSecond)} must be at least 1.";
        }

        if (RequestBurst < 1)
        {
            return $"{Section}:{nameof(RequestBurst)} must be at least 1.";
        }

        if (MaxConcurrentRequestsPerConnection is < 1 or > 1024)
        {
            return $"{Section}:{nameof(MaxConcurrentRequestsPerConnection)} must be between 1 and 1024.";
        }

        return null;
    }
}
