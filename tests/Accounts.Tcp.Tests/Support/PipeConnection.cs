using System.IO.Pipelines;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Accounts.Tcp.Tests.Support;

/// <summary>
/// The handler on one in-memory connection (BedrockFramework's way of testing a protocol): the test holds the
/// client's ends of two pipes and decides exactly how bytes arrive.
/// </summary>
internal sealed class PipeConnection : IAsyncDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();
    private readonly FrameReader _frames = new(16 * 1024 * 1024);

    public PipeConnection(ITcpRequestDispatcher dispatcher, TcpOptions? options = null)
    {
        Handler = new AccountsConnectionHandler(dispatcher, Options.Create(options ?? new TcpOptions()), TimeProvider.System, NullLogger<AccountsConnectionHandler>.Instance);
        var context = new DefaultConnectionContext("pipe", new DuplexPipe(_toServer.Reader, _toClient.Writer), new DuplexPipe(_toClient.Reader, _toServer.Writer))
        {
            RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 50000),
        };
        Running = Task.Run(async () =>
        {
            try
            {
                await Handler.OnConnectedAsync(context);
            }
            finally
            {
                // As Kestrel does once the handler returns: the connection is closed.
                await _toClient.Writer.CompleteAsync();
                await _toServer.Reader.CompleteAsync();
            }
        });
    }

    public AccountsConnectionHandler Handler { get; }

    /// <summary>The handler's work on this connection; completes when it lets the connection go.</summary>
    public Task Running { get; }

    /// <summary>Writes and flushes: the handler sees these bytes as one read.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> bytes) => await _toServer.Writer.WriteAsync(bytes);

    public Task SendFrameAsync(TcpRequestType type, string json) => SendAsync(RawConnection.Frame((byte)type, Encoding.UTF8.GetBytes(json)));

    public async Task CloseAsync() => await _toServer.Writer.CompleteAsync();

    public async Task<ResponseFrame?> ReadFrameAsync()
    {
        while (true)
        {
            var result = await _toClient.Reader.ReadAsync().AsTask().Within("a response frame");
            var consumed = result.Buffer.Start;
            var examined = result.Buffer.End;
            var outcome = _frames.TryParseResponse(result.Buffer, ref consumed, ref examined, out var frame);
            _toClient.Reader.AdvanceTo(consumed, examined);
            if (outcome == FrameReadResult.Frame)
            {
                return frame;
            }

            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _toServer.Writer.CompleteAsync();
        await Running.Within("the handler to end");
        await _toClient.Reader.CompleteAsync();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
