using System.Globalization;
using System.Text;

namespace Accounts.Redis;

/// <summary>The five RESP2 reply types.</summary>
public enum RedisResultKind
{
    SimpleString,
    Error,
    Integer,
    BulkString,
    Array,
}

/// <summary>
/// One reply from Redis: a simple string, an error, an integer, a bulk string (binary-safe, possibly null) or an
/// array of replies (possibly null, possibly nested). A top-level error never reaches a caller as a result (it is
/// thrown as <see cref="RedisServerException"/>); errors nested in arrays, as EXEC returns them, stay values.
/// </summary>
public sealed class RedisResult
{
    private static readonly RedisResult[] SmallIntegers = CreateSmallIntegers();
    private static readonly RedisResult EmptyArrayResult = new(RedisResultKind.Array, false, null, null, 0, []);
    private static readonly RedisResult OkResult = new(RedisResultKind.SimpleString, false, "OK", null, 0, null);
    private static readonly RedisResult PongResult = new(RedisResultKind.SimpleString, false, "PONG", null, 0, null);
    private static readonly RedisResult QueuedResult = new(RedisResultKind.SimpleString, false, "QUEUED", null, 0, null);

    private readonly string? _text;
    private readonly byte[]? _bytes;
    private readonly long _integer;
    private readonly RedisResult[]? _items;

    private RedisResult(RedisResultKind kind, bool isNull, string? text, byte[]? bytes, long integer, RedisResult[]? items)
    {
        Kind = kind;
        IsNull = isNull;
        _text = text;
        _bytes = bytes;
        _integer = integer;
        _items = items;
    }

    public RedisResultKind Kind { get; }

    /// <summary>True for the null bulk string (<c>$-1</c>) and the null array (<c>*-1</c>).</summary>
    public bool IsNull { get; }

    public static RedisResult NullBulkString { get; } = new(RedisResultKind.BulkString, true, null, null, 0, null);

    public static RedisResult NullArray { get; } = new(RedisResultKind.Array, true, null, null, 0, null);

    public static RedisResult FromSimpleString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value switch
        {
            "OK" => OkResult,
            "PONG" => PongResult,
            "QUEUED" => QueuedResult,
            _ => new RedisResult(RedisResultKind.SimpleString, false, value, null, 0, null),
        };
    }

    public static RedisResult FromError(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new RedisResult(RedisResultKind.Error, false, message, null, 0, null);
    }

    public static RedisResult FromInteger(long value) =>
        value is >= -1 and < 255 ? SmallIntegers[value + 1] : new RedisResult(RedisResultKind.Integer, false, null, null, value, null);

    /// <summary>A bulk string over <paramref name="value"/> (not copied); null gives <see cref="NullBulkString"/>.</summary>
    public static RedisResult FromBulkString(byte[]? value) =>
        value is null ? NullBulkString : new RedisResult(RedisResultKind.BulkString, false, null, value, 0, null);

    public static RedisResult FromBulkString(string? value) => FromBulkString(value is null ? null : Encoding.UTF8.GetBytes(value));

    /// <summary>An array of <paramref name="items"/> (copied); null gives <see cref="NullArray"/>.</summary>
    public static RedisResult FromArray(IEnumerable<RedisResult>? items) => items is null ? NullArray : CreateArray([.. items]);

    /// <summary>
    /// Text of a simple string, an error or a bulk string (UTF-8), an integer in invariant form; null for a null reply
    /// (bulk string or array: BRPOPLPUSH, for one, answers a timeout with the null array).
    /// </summary>
    public string? AsString() => Kind switch
    {
        _ when IsNull => null,
        RedisResultKind.SimpleString or RedisResultKind.Error => _text,
        RedisResultKind.BulkString => Encoding.UTF8.GetString(_bytes!),
        RedisResultKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        _ => throw Mismatch("a string"),
    };

    /// <summary>The bytes of a bulk string (the reply's own array, not a copy); null for a null reply.</summary>
    public byte[]? AsBytes() => Kind switch
    {
        _ when IsNull => null,
        RedisResultKind.BulkString => _bytes,
        RedisResultKind.SimpleString => Encoding.UTF8.GetBytes(_text!),
        _ => throw Mismatch("bytes"),
    };

    /// <summary>An integer reply, or a string holding one (as GET returns a counter).</summary>
    public long AsInt64() => AsNullableInt64() ?? throw new InvalidCastException("The reply is null, not an integer.");

    /// <summary>As <see cref="AsInt64"/>, null for a null reply.</summary>
    public long? AsNullableInt64()
    {
        if (Kind == RedisResultKind.Integer)
        {
            return _integer;
        }

        var text = IsNull || Kind is RedisResultKind.BulkString or RedisResultKind.SimpleString ? AsString() : throw Mismatch("an integer");
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidCastException("The reply is a string that does not hold an integer.");
    }

    /// <summary>A floating-point reply as ZSCORE or INCRBYFLOAT give it (<c>inf</c> and <c>-inf</c> included); null for a null reply.</summary>
    public double? AsNullableDouble()
    {
        if (Kind == RedisResultKind.Integer)
        {
            return _integer;
        }

        var text = IsNull || Kind is RedisResultKind.BulkString or RedisResultKind.SimpleString ? AsString() : throw Mismatch("a number");
        return text switch
        {
            null => null,
            "inf" or "+inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InvalidCastException("The reply is a string that does not hold a number."),
        };
    }

    /// <summary>The items of an array; null for the null array.</summary>
    public IReadOnlyList<RedisResult>? AsArray() => Kind == RedisResultKind.Array ? _items : throw Mismatch("an array");

    /// <summary>Each item of an array as text (see <see cref="AsString"/>); null for the null array.</summary>
    public string?[]? AsStringArray() => AsArray() is { } items ? [.. items.Select(item => item.AsString())] : null;

    /// <summary>Describes the reply without showing its content: replies may hold codes or tokens.</summary>
    public override string ToString() => Kind switch
    {
        _ when IsNull => $"{Kind}(null)",
        RedisResultKind.BulkString => $"BulkString({_bytes!.Length} bytes)",
        RedisResultKind.Array => $"Array({_items!.Length} items)",
        _ => Kind.ToString(),
    };

    /// <summary>An array over <paramref name="items"/> without copying (the parser hands over its own array).</summary>
    internal static RedisResult CreateArray(RedisResult[] items) =>
        items.Length == 0 ? EmptyArrayResult : new RedisResult(RedisResultKind.Array, false, null, null, 0, items);

    private static RedisResult[] CreateSmallIntegers()
    {
        var integers = new RedisResult[256];
        for (var i = 0; i < integers.Length; i++)
        {
            integers[i] = new RedisResult(RedisResultKind.Integer, false, null, null, i - 1, null);
        }

        return integers;
    }

    private InvalidCastException Mismatch(string wanted) => new($"The reply is {(IsNull ? "a null " : "a ")}{Kind}, not {wanted}.");
}
