using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.IO.Pipelines;
using System.Text;

namespace Accounts.Redis.Protocol;

/// <summary>
/// Reads RESP2 replies from bytes that arrive in pieces of any size. The parser keeps what it has read of an
/// unfinished reply (open arrays, a partly received bulk string), so each byte is examined once however a reply is
/// split, and a large reply does not have to sit whole in the pipe. Only a header line (<c>$123</c>, <c>+OK</c>) is
/// left in the buffer until its CRLF arrives. One parser per connection; not thread-safe.
/// </summary>
internal sealed class RespParser
{
    /// <summary>Redis's own default limit for a bulk string (proto-max-bulk-len).</summary>
    public const int MaxBulkLength = 512 * 1024 * 1024;

    /// <summary>Deeper nesting than any command returns; a deeper reply is taken as corrupt rather than risking the stack.</summary>
    public const int MaxDepth = 128;

    /// <summary>Longest header, simple string or error line.</summary>
    public const int MaxLineLength = 1024 * 1024;

    private readonly Stack<ArrayFrame> _frames = new();
    private byte[]? _bulk;
    private int _bulkFilled;

    private enum Step
    {
        NeedMoreData,
        Started,
        Element,
    }

    /// <summary>True when part of a reply has been read and the rest is awaited.</summary>
    public bool IsMidReply => _frames.Count > 0 || _bulk is not null;

    /// <summary>
    /// Reads from <paramref name="reader"/> until one whole reply is complete (true) or the data runs out (false).
    /// Either way every byte up to <c>reader.Position</c> has been taken in: advance the pipe to it.
    /// </summary>
    /// <exception cref="RedisProtocolException">The bytes are not RESP2.</exception>
    public bool TryRead(ref SequenceReader<byte> reader, [NotNullWhen(true)] out RedisResult? result)
    {
        while (true)
        {
            RedisResult? element;
            var step = _bulk is not null ? ContinueBulk(ref reader, out element) : StartElement(ref reader, out element);
            if (step == Step.NeedMoreData)
            {
                result = null;
                return false;
            }

            if (step == Step.Started)
            {
                continue;
            }

            while (_frames.TryPeek(out var frame))
            {
                if (!frame.Add(element!))
                {
                    break;
                }

                _frames.Pop();
                element = RedisResult.CreateArray(frame.Items);
            }

            if (_frames.Count == 0)
            {
                result = element!;
                return true;
            }
        }
    }

    /// <summary>
    /// Reads the next whole reply from <paramref name="input"/>; null when the input ends cleanly between replies.
    /// Advances the pipe past the reply so that the following one is returned at once if it is already buffered.
    /// </summary>
    public async ValueTask<RedisResult?> ReadAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken);
            var (result, position, leftOver) = Parse(read.Buffer);
            if (result is not null)
            {
                input.AdvanceTo(position);
                return result;
            }

            input.AdvanceTo(position, read.Buffer.End);
            if (read.IsCompleted)
            {
                return IsMidReply || leftOver
                    ? throw new RedisProtocolException("The stream ended in the middle of a reply.")
                    : null;
            }
        }
    }

    private (RedisResult? Result, SequencePosition Position, bool LeftOver) Parse(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        var found = TryRead(ref reader, out var result);
        return (found ? result : null, reader.Position, !reader.End);
    }

    private Step StartElement(ref SequenceReader<byte> reader, out RedisResult? element)
    {
        element = null;
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
        {
            return reader.Remaining > MaxLineLength
                ? throw new RedisProtocolException($"A reply line is longer than {MaxLineLength} bytes.")
                : Step.NeedMoreData;
        }

        if (line.IsEmpty)
        {
            throw new RedisProtocolException("A reply line is empty.");
        }

        var prefix = line.FirstSpan[0];
        var content = line.Slice(1);
        switch (prefix)
        {
            case (byte)'+':
                element = RedisResult.FromSimpleString(Encoding.UTF8.GetString(content));
                return Step.Element;
            case (byte)'-':
                element = RedisResult.FromError(Encoding.UTF8.GetString(content));
                return Step.Element;
            case (byte)':':
                element = RedisResult.FromInteger(ReadInteger(content));
                return Step.Element;
            case (byte)'$':
                var length = ReadInteger(content);
                if (length == -1)
                {
                    element = RedisResult.NullBulkString;
                    return Step.Element;
                }

                if (length is < 0 or > MaxBulkLength)
                {
                    throw new RedisProtocolException($"A bulk string length of {length} is out of range.");
                }

                _bulk = length == 0 ? [] : new byte[length];
                _bulkFilled = 0;
                return ContinueBulk(ref reader, out element);
            case (byte)'*':
                var count = ReadInteger(content);
                if (count == -1)
                {
                    element = RedisResult.NullArray;
                    return Step.Element;
                }

                if (count is < 0 or > int.MaxValue)
                {
                    throw new RedisProtocolException($"An array length of {count} is out of range.");
                }

                if (count == 0)
                {
                    element = RedisResult.CreateArray([]);
                    return Step.Element;
                }

                if (_frames.Count >= MaxDepth)
                {
                    throw new RedisProtocolException($"A reply nests arrays deeper than {MaxDepth} levels.");
                }

                _frames.Push(new ArrayFrame((int)count));
                return Step.Started;
            default:
                throw new RedisProtocolException(
                    prefix is (byte)'_' or (byte)',' or (byte)'#' or (byte)'%' or (byte)'~' or (byte)'>' or (byte)'=' or (byte)'(' or (byte)'!' or (byte)'|'
                        ? "The server sent a RESP3 reply; this client speaks RESP2 only."
                        : $"A reply starts with the unknown type byte 0x{prefix:x2}.");
        }
    }

    private Step ContinueBulk(ref SequenceReader<byte> reader, out RedisResult? element)
    {
        element = null;
        var bulk = _bulk!;
        var missing = bulk.Length - _bulkFilled;
        if (missing > 0)
        {
            var available = (int)Math.Min(missing, reader.Remaining);
            reader.TryCopyTo(bulk.AsSpan(_bulkFilled, available));
            reader.Advance(available);
            _bulkFilled += available;
            if (_bulkFilled < bulk.Length)
            {
                return Step.NeedMoreData;
            }
        }

        if (reader.Remaining < 2)
        {
            return Step.NeedMoreData;
        }

        if (!reader.IsNext("\r\n"u8, advancePast: true))
        {
            throw new RedisProtocolException("A bulk string is longer than its declared length.");
        }

        _bulk = null;
        element = RedisResult.FromBulkString(bulk);
        return Step.Element;
    }

    private static long ReadInteger(ReadOnlySequence<byte> text)
    {
        Span<byte> digits = stackalloc byte[20];
        if (text.Length is 0 or > 20)
        {
            throw new RedisProtocolException("A reply holds a malformed integer.");
        }

        text.CopyTo(digits);
        digits = digits[..(int)text.Length];
        return Utf8Parser.TryParse(digits, out long value, out var consumed) && consumed == digits.Length
            ? value
            : throw new RedisProtocolException("A reply holds a malformed integer.");
    }

    /// <summary>An array whose items are still arriving. Storage grows as items come, not from the declared count.</summary>
    private sealed class ArrayFrame(int count)
    {
        private RedisResult[] _items = new RedisResult[Math.Min(count, 1024)];
        private int _filled;

        public RedisResult[] Items => _items;

        /// <summary>Adds an item; true when it was the last one.</summary>
        public bool Add(RedisResult item)
        {
            if (_filled == _items.Length)
            {
                Array.Resize(ref _items, (int)Math.Min((long)_items.Length * 2, count));
            }

            _items[_filled++] = item;
            return _filled == count;
        }
    }
}
