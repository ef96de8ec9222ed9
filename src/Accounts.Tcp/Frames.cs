using System.Buffers;

namespace Accounts.Tcp;

/// <summary>
/// A request as read from the wire. <see cref="Payload"/> is a slice of the reader's buffer: valid until the
/// buffer is advanced past it.
/// </summary>
public readonly record struct RequestFrame(byte Type, ReadOnlySequence<byte> Payload);

/// <summary>A response: <see cref="Type"/> is the request's type with the high bit set; the payload is UTF-8 JSON.</summary>
public readonly record struct ResponseFrame(byte Type, byte Status, ReadOnlyMemory<byte> Payload);

/// <summary>What <see cref="FrameReader"/> found at the front of a buffer.</summary>
public enum FrameReadResult
{
    /// <summary>No whole frame yet: read more and try again with the same start.</summary>
    NeedMoreData,

    /// <summary>A whole frame; consumed points past it.</summary>
    Frame,

    /// <summary>
    /// The header declares more than <see cref="FrameReader.MaxFrameBytes"/>: decided from the header alone, before
    /// the payload arrives. The frame's type is known; the stream cannot be resynchronised, so the connection ends.
    /// </summary>
    TooLarge,

    /// <summary>The declared length cannot hold a header (a request of length 0); the connection ends.</summary>
    Invalid,
}
