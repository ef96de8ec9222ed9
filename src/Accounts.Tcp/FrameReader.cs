using System.Buffers;

namespace Accounts.Tcp;

/// <summary>
/// Reads frames from bytes that arrive in pieces of any size, in BedrockFramework's shape: the caller passes the
/// buffer and gets back how far it was consumed and examined, for <c>PipeReader.AdvanceTo</c>. Stateless, so one
/// instance may serve every connection.
/// </summary>
public sealed class FrameReader
{
    public FrameReader(int maxFrameBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameBytes, 2);
        MaxFrameBytes = maxFrameBytes;
    }

    /// <summary>The largest declared length (the bytes after the length field) accepted.</summary>
    public int MaxFrameBytes { get; }

    /// <summary>
    /// Reads one request from the start of <paramref name="input"/>. On <see cref="FrameReadResult.Frame"/>,
    /// <paramref name="consumed"/> and <paramref name="examined"/> point past it and <paramref name="frame"/>'s payload
    /// is a slice of <paramref name="input"/>. On <see cref="FrameReadResult.NeedMoreData"/>, <paramref name="examined"/>
    /// is the end of the input, so the pipe waits for more bytes. On <see cref="FrameReadResult.TooLarge"/>,
    /// <paramref name="frame"/> carries the declared type and an empty payload.
    /// </summary>
    public FrameReadResult TryParseRequest(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out RequestFrame frame)
    {
        var scan = FrameCodec.Scan(input, response: false, MaxFrameBytes, out _, out var type, out _, out var payload, out var end);
        frame = new RequestFrame(type, payload);
        return Advance(scan, input, end, ref consumed, ref examined);
    }

    /// <summary>
    /// Reads one response, as a client does. The payload is copied out of <paramref name="input"/>, so the frame
    /// outlives the buffer; otherwise as <see cref="TryParseRequest"/>.
    /// </summary>
    public FrameReadResult TryParseResponse(in ReadOnlySequence<byte> input, ref SequencePosition consumed, ref SequencePosition examined, out ResponseFrame frame)
    {
        var scan = FrameCodec.Scan(input, response: true, MaxFrameBytes, out _, out var type, out var status, out var payload, out var end);
        frame = new ResponseFrame(type, status, scan == FrameScan.Complete ? payload.ToArray() : ReadOnlyMemory<byte>.Empty);
        return Advance(scan, input, end, ref consumed, ref examined);
    }

    private static FrameReadResult Advance(FrameScan scan, in ReadOnlySequence<byte> input, SequencePosition end, ref SequencePosition consumed, ref SequencePosition examined)
    {
        switch (scan)
        {
            case FrameScan.Complete:
                consumed = end;
                examined = end;
                return FrameReadResult.Frame;
            case FrameScan.Incomplete:
                examined = input.End;
                return FrameReadResult.NeedMoreData;
            case FrameScan.TooLarge:
                return FrameReadResult.TooLarge;
            default:
                return FrameReadResult.Invalid;
        }
    }
}
