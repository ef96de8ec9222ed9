// Compiled into Accounts.Tcp and Accounts.Tcp.Client: both ends read and write frames with this one file.
using System.Buffers;
using System.Buffers.Binary;

#if ACCOUNTS_TCP_CLIENT
namespace Accounts.Tcp.Client;
#else
namespace Accounts.Tcp;
#endif

/// <summary>What reading a frame from the front of a buffer found.</summary>
internal enum FrameScan
{
    /// <summary>The buffer ends before the frame does.</summary>
    Incomplete,

    /// <summary>A whole frame.</summary>
    Complete,

    /// <summary>The header declares more bytes than allowed; known as soon as the header is in, before any payload.</summary>
    TooLarge,

    /// <summary>The declared length cannot even hold the header (a request of length 0, a response of length below 2).</summary>
    Invalid,
}

/// <summary>
/// The frame layout, big-endian: <c>length:uint32 | type:uint8 | [status:uint8] | payload</c>, where <c>length</c>
/// counts every byte after itself. Requests have no status byte; responses do.
/// </summary>
internal static class FrameCodec
{
    public const int LengthSize = 4;

    /// <summary>Length and type.</summary>
    public const int RequestHeaderSize = LengthSize + 1;

    /// <summary>Length, type and status.</summary>
    public const int ResponseHeaderSize = LengthSize + 2;

    /// <summary>Set in a response's type byte: the response to request type <c>t</c> has type <c>t | 0x80</c>.</summary>
    public const byte ResponseFlag = 0x80;

    /// <summary>
    /// Reads one frame from the start of <paramref name="input"/>. <paramref name="maxLength"/> bounds the declared
    /// length (the bytes after the length field). <paramref name="end"/> is where the frame ends (Complete only).
    /// </summary>
    public static FrameScan Scan(
        in ReadOnlySequence<byte> input,
        bool response,
        long maxLength,
        out uint declaredLength,
        out byte type,
        out byte status,
        out ReadOnlySequence<byte> payload,
        out SequencePosition end)
    {
        type = 0;
        status = 0;
        payload = default;
        end = input.Start;

        var reader = new SequenceReader<byte>(input);
        if (!reader.TryReadBigEndian(out int rawLength))
        {
            declaredLength = 0;
            return FrameScan.Incomplete;
        }

        declaredLength = unchecked((uint)rawLength);
        var headerAfterLength = response ? 2u : 1u;
        if (declaredLength < headerAfterLength)
        {
            return FrameScan.Invalid;
        }

        // The type (and status) are read before the size check so that the error frame can name the request type.
        if (!reader.TryRead(out type) || (response && !reader.TryRead(out status)))
        {
            return FrameScan.Incomplete;
        }

        if (declaredLength > maxLength)
        {
            return FrameScan.TooLarge;
        }

        var payloadLength = declaredLength - headerAfterLength;
        if (reader.Remaining < payloadLength)
        {
            return FrameScan.Incomplete;
        }

        payload = input.Slice(reader.Position, payloadLength);
        end = payload.End;
        return FrameScan.Complete;
    }

    public static void WriteRequest(IBufferWriter<byte> output, byte type, ReadOnlySpan<byte> payload)
    {
        var header = output.GetSpan(RequestHeaderSize);
        BinaryPrimitives.WriteUInt32BigEndian(header, checked((uint)(payload.Length + 1)));
        header[LengthSize] = type;
        output.Advance(RequestHeaderSize);
        output.Write(payload);
    }

    public static void WriteResponse(IBufferWriter<byte> output, byte type, byte status, ReadOnlySpan<byte> payload)
    {
        var header = output.GetSpan(ResponseHeaderSize);
        BinaryPrimitives.WriteUInt32BigEndian(header, checked((uint)(payload.Length + 2)));
        header[LengthSize] = type;
        header[LengthSize + 1] = status;
        output.Advance(ResponseHeaderSize);
        output.Write(payload);
    }
}
