using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Accounts.Tcp;

/// <summary>
/// The TCP front door, as a Kestrel connection handler: reads frames, answers protocol-level errors and Ping
/// itself, hands every other request to the <see cref="ITcpRequestDispatcher"/>, and writes the answers in request
/// order. One instance serves every connection of the endpoint (register it as a singleton).
/// </summary>
public sealed class AccountsConnectionHandler : ConnectionHandler
{
    /// <summary>How long a connection closed for a fatal error is still read (and the bytes dropped) so that the error frame is not lost to a reset.</summary>
    internal static readonly TimeSpan Linger = TimeSpan.FromSeconds(1);

    private int _open;

    public AccountsConnectionHandler(ITcpRequestDispatcher dispatcher, IOptions<TcpOptions> options, TimeProvider time, ILogger<AccountsConnectionHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        if (Options.Validate() is { } failure)
        {
            throw new InvalidOperationException(failure);
        }

        Dispatcher = dispatcher;
        Time = time ?? throw new ArgumentNullException(nameof(time));
        Logger = logger ?? throw new ArgumentNullException(nameof(logger));
        Frames = new FrameReader(Options.MaxFrameBytes);
    }

    /// <summary>Connections being served now (refused ones are not counted).</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    internal ITcpRequestDispatcher Dispatcher { get; }

    internal TcpOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    internal FrameReader Frames { get; }

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (Interlocked.Increment(ref _open) > Options.MaxConnections)
        {
            Interlocked.Decrement(ref _open);
            TcpLog.TooManyConnections(Logger, connection.ConnectionId, Options.MaxConnections);
            await RefuseAsync(connection);
            return;
        }

        try
        {
            await new TcpSession(this, connection).RunAsync();
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    private async Task RefuseAsync(ConnectionContext connection)
    {
        // Not tied to a request: type 0x80 (request type 0 does not exist), then close.
        var reply = TcpReply.Error(TcpStatus.Unavailable, TcpErrorCodes.TooManyConnections, "The server has as many connections as it allows: try again later.");
        FrameCodec.WriteResponse(connection.Transport.Output, FrameCodec.ResponseFlag, (byte)reply.Status, reply.PayloadOrEmptyObject);
        try
        {
            await connection.Transport.Output.FlushAsync().AsTask().WaitAsync(Linger, Time);
            await DrainAsync(connection.Transport.Input, Time);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
            // The peer is gone already: nothing more to tell it.
        }
    }

    /// <summary>
    /// Reads and drops what the peer still sends, until it closes or <see cref="Linger"/> passes. Closing a socket
    /// with unread bytes makes the kernel send a reset, which can destroy the error frame before the peer reads it.
    /// </summary>
    internal static async Task DrainAsync(PipeReader input, TimeProvider time)
    {
        using var timeout = new CancellationTokenSource(Linger, time);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token);
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Timed out, or the peer reset the connection: either way it is over.
        }
    }
}
