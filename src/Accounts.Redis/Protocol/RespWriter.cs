using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Accounts.Redis.Protocol;

/// <summary>Writes commands as RESP2 arrays of bulk strings, the only form a client sends.</summary>
internal static class RespWriter
{
    public static void WriteCommand(IBufferWriter<byte> output, string command, ReadOnlySpan<RedisValue> args)
    {
        WriteLength(output, (byte)'*', args.Length + 1);
        WriteBulk(output, command);
        foreach (var arg in args)
        {
            arg.WriteBulk(output);
        }
    }

    public static void WriteBulk(IBufferWriter<byte> output, string value)
    {
        WriteLength(output, (byte)'$', Encoding.UTF8.GetByteCount(value));
        Encoding.UTF8.GetBytes(value, output);
        WriteCrlf(output);
    }

    public static void WriteBulk(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        WriteLength(output, (byte)'$', value.Length);
        output.Write(value);
        WriteCrlf(output);
    }

    private static void WriteLength(IBufferWriter<byte> output, byte prefix, int length)
    {
        var span = output.GetSpan(16);
        span[0] = prefix;
        Utf8Formatter.TryFormat(length, span[1..], out var written);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        output.Advance(written + 3);
    }

    private static void WriteCrlf(IBufferWriter<byte> output)
    {
        var span = output.GetSpan(2);
        span[0] = (byte)'\r';
        span[1] = (byte)'\n';
        output.Advance(2);
    }
}
