using System.Buffers;

namespace Accounts.Tcp;

/// <summary>Writes frames into any <see cref="IBufferWriter{T}"/> (a <c>PipeWriter</c>, an <c>ArrayBufferWriter</c>).</summary>
public static class FrameWriter
{
    /// <summary><c>length | type | payload</c>, length = 1 + payload length, big-endian.</summary>
    public static void WriteRequest(IBufferWriter<byte> output, byte type, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(output);
        FrameCodec.WriteRequest(output, type, payload);
    }

    /// <summary><c>length | type | status | payload</c>, length = 2 + payload length, big-endian.</summary>
    public static void WriteResponse(IBufferWriter<byte> output, in ResponseFrame frame)
    {
        ArgumentNullException.ThrowIfNull(output);
        FrameCodec.WriteResponse(output, frame.Type, frame.Status, frame.Payload.Span);
    }
}
