using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Accounts.Tcp.Tests.Support;

/// <summary>A socket that speaks bytes, for tests that must send what no well-behaved client would.</summary>
internal sealed class RawConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly FrameReader _frames = new(16 * 1024 * 1024);

    private RawConnection(Socket socket)
    {
        _socket = socket;
        _input = PipeReader.Create(new NetworkStream(socket, ownsSocket: false));
    }

    public static async Task<RawConnection> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TestContext.Current.CancellationToken);
        return new RawConnection(socket);
    }

    public static byte[] Frame(byte type, string json) => Frame(type, Encoding.UTF8.GetBytes(json));

    public static byte[] Frame(byte type, ReadOnlySpan<byte> payload)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(buffer, type, payload);
        return buffer.WrittenSpan.ToArray();
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, TestContext.Current.CancellationToken);
            bytes = bytes[sent..];
        }
    }

    public Task SendFrameAsync(byte type, string json) => SendAsync(Frame(type, json));

    public Task SendFrameAsync(TcpRequestType type, string json) => SendAsync(Frame((byte)type, json));

    /// <summary>Sends a FIN: the server sees the end of the stream but may still write.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>The next response frame, or null if the server closed the connection first.</summary>
    public async Task<ResponseFrame?> ReadFrameAsync()
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _input.ReadAsync(TestContext.Current.CancellationToken).AsTask().Within("a response frame");
            }
            catch (IOException)
            {
                return null;
            }

            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            var outcome = _frames.TryParseResponse(buffer, ref consumed, ref examined, out var frame);
            _input.AdvanceTo(consumed, examined);
            if (outcome == FrameReadResult.Frame)
            {
                return frame;
            }

            outcome.ShouldBe(FrameReadResult.NeedMoreData);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    public async Task<ResponseFrame> ReadRequiredFrameAsync()
    {
        var frame = await ReadFrameAsync();
        frame.ShouldNotBeNull("the server closed the connection instead of answering");
        return frame.Value;
    }

    /// <summary>True once the server has closed the connection with nothing more sent.</summary>
    public async Task<bool> IsClosedByServerAsync() => await ReadFrameAsync() is null;

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync();
        _socket.Dispose();
    }
}

internal static class ResponseFrameExtensions
{
    public static JsonElement Json(this ResponseFrame frame) => JsonDocument.Parse(frame.Payload).RootElement.Clone();

    public static string Text(this ResponseFrame frame) => Encoding.UTF8.GetString(frame.Payload.Span);

    public static string? ErrorCode(this ResponseFrame frame) =>
        frame.Json().TryGetProperty("error", out var code) ? code.GetString() : null;

    public static void ShouldBeError(this ResponseFrame frame, byte type, TcpStatus status, string code)
    {
        frame.Type.ShouldBe(type, $"response type of {frame.Text()}");
        ((TcpStatus)frame.Status).ShouldBe(status, frame.Text());
        frame.ErrorCode().ShouldBe(code);
        frame.Json().GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    public static void ShouldBeOk(this ResponseFrame frame, TcpRequestType type)
    {
        frame.Type.ShouldBe((byte)((byte)type | 0x80), frame.Text());
        ((TcpStatus)frame.Status).ShouldBe(TcpStatus.Ok, frame.Text());
    }
}
