namespace Accounts.Tcp.Client;

/// <summary>Where the server is and the client's own limits.</summary>
public sealed class AccountsTcpClientOptions
{
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 3001;

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A connection unused for this long is replaced by a new one on the next call. Keep it shorter than the
    /// server's <c>Accounts:Tcp:IdleTimeout</c> (2 minutes by default), so that a call never races the server closing
    /// an idle connection (such a call would fail with <see cref="TcpConnectionException.MayHaveExecuted"/> true).
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The largest request (declared length: type byte plus payload) sent; a larger one throws before anything is
    /// written, since the server would answer <c>frame_too_large</c> and close the connection with every other
    /// request on it. Keep it equal to the server's <c>Accounts:Tcp:MaxFrameBytes</c>.
    /// </summary>
    public int MaxRequestBytes { get; set; } = 64 * 1024;

    /// <summary>The largest response accepted; a larger one is taken as a broken stream and drops the connection.</summary>
    public int MaxResponseBytes { get; set; } = 16 * 1024 * 1024;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestBytes, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxResponseBytes, 2);
    }
}
