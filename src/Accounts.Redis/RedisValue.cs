using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Accounts.Redis.Protocol;

namespace Accounts.Redis;

/// <summary>
/// One command argument. Redis receives every argument as a binary-safe bulk string: text is sent as UTF-8,
/// bytes as they are, integers and floating-point numbers in their invariant text form (infinities as
/// <c>+inf</c>/<c>-inf</c>, which sorted-set ranges accept). <c>default</c> is the empty string.
/// </summary>
public readonly struct RedisValue : IEquatable<RedisValue>
{
    private readonly Kind _kind;
    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly long _number;

    private RedisValue(Kind kind, string? text, ReadOnlyMemory<byte> bytes, long number)
    {
        _kind = kind;
        _text = text;
        _bytes = bytes;
        _number = number;
    }

    private enum Kind : byte
    {
        Bytes,
        Text,
        Integer,
        Double,
    }

    public static RedisValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new RedisValue(Kind.Text, value, default, 0);
    }

    /// <summary>The bytes are not copied: do not change them until the command has been sent.</summary>
    public static RedisValue FromBytes(ReadOnlyMemory<byte> value) => new(Kind.Bytes, null, value, 0);

    public static RedisValue FromInt64(long value) => new(Kind.Integer, null, default, value);

    public static RedisValue FromDouble(double value)
    {
        if (double.IsNaN(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Redis has no representation for NaN.");
        }

        return new RedisValue(Kind.Double, null, default, BitConverter.DoubleToInt64Bits(value));
    }

    public static implicit operator RedisValue(string value) => FromString(value);

    public static implicit operator RedisValue(byte[] value) => FromBytes(value ?? throw new ArgumentNullException(nameof(value)));

    public static implicit operator RedisValue(ReadOnlyMemory<byte> value) => FromBytes(value);

    public static implicit operator RedisValue(int value) => FromInt64(value);

    public static implicit operator RedisValue(long value) => FromInt64(value);

    public static implicit operator RedisValue(double value) => FromDouble(value);

    public static bool operator ==(RedisValue left, RedisValue right) => left.Equals(right);

    public static bool operator !=(RedisValue left, RedisValue right) => !left.Equals(right);

    /// <summary>Equal when Redis would receive the same bytes.</summary>
    public bool Equals(RedisValue other) => ToBytes().AsSpan().SequenceEqual(other.ToBytes());

    public override bool Equals(object? obj) => obj is RedisValue other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(ToBytes());
        return hash.ToHashCode();
    }

    /// <summary>Describes the value without showing it: arguments may hold codes or tokens.</summary>
    public override string ToString() => $"RedisValue({_kind})";

    /// <summary>The bytes Redis receives.</summary>
    public byte[] ToBytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteContent(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes this value as a RESP bulk string.</summary>
    internal void WriteBulk(IBufferWriter<byte> output)
    {
        switch (_kind)
        {
            case Kind.Text:
                RespWriter.WriteBulk(output, _text!);
                break;
            case Kind.Integer:
                Span<byte> integer = stackalloc byte[20];
                RespWriter.WriteBulk(output, integer[..FormatInteger(_number, integer)]);
                break;
            case Kind.Double:
                Span<byte> number = stackalloc byte[40];
                RespWriter.WriteBulk(output, number[..FormatDouble(BitConverter.Int64BitsToDouble(_number), number)]);
                break;
            default:
                RespWriter.WriteBulk(output, _bytes.Span);
                break;
        }
    }

    /// <summary>The value as a number of seconds or milliseconds, for reading the timeout of a blocking command.</summary>
    internal bool TryGetDouble(out double value)
    {
        switch (_kind)
        {
            case Kind.Integer:
                value = _number;
                return true;
            case Kind.Double:
                value = BitConverter.Int64BitsToDouble(_number);
                return true;
            case Kind.Text:
                return double.TryParse(_text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            default:
                return Utf8Parser.TryParse(_bytes.Span, out value, out var consumed) && consumed == _bytes.Length;
        }
    }

    /// <summary>True when the value is this ASCII keyword, ignoring case (BLOCK, REPLY, ...).</summary>
    internal bool IsKeyword(string keyword) => _kind switch
    {
        Kind.Text => string.Equals(_text, keyword, StringComparison.OrdinalIgnoreCase),
        Kind.Bytes => _bytes.Length == keyword.Length && Encoding.ASCII.GetString(_bytes.Span).Equals(keyword, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private void WriteContent(IBufferWriter<byte> output)
    {
        switch (_kind)
        {
            case Kind.Text:
                Encoding.UTF8.GetBytes(_text!, output);
                break;
            case Kind.Integer:
                output.Advance(FormatInteger(_number, output.GetSpan(20)));
                break;
            case Kind.Double:
                output.Advance(FormatDouble(BitConverter.Int64BitsToDouble(_number), output.GetSpan(40)));
                break;
            default:
                output.Write(_bytes.Span);
                break;
        }
    }

    private static int FormatInteger(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out var written);
        return written;
    }

    private static int FormatDouble(double value, Span<byte> destination)
    {
        if (double.IsPositiveInfinity(value))
        {
            "+inf"u8.CopyTo(destination);
            return 4;
        }

        if (double.IsNegativeInfinity(value))
        {
            "-inf"u8.CopyTo(destination);
            return 4;
        }

        // The shortest text that round-trips; Redis parses it with strtod.
        value.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture);
        return written;
    }
}
