using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Accounts.Redis.Protocol;

namespace Accounts.Redis.Tests.Protocol;

/// <summary>Commands as RESP2 arrays of bulk strings, checked byte for byte and read back by the parser.</summary>
public sealed class RespWriterTests
{
    [Fact]
    public void WritesACommandWithoutArguments()
    {
        Write("PING").ShouldBe("*1\r\n$4\r\nPING\r\n");
    }

    [Fact]
    public void WritesEveryArgumentAsABulkString()
    {
        Write("SET", "key", "value", "PX", 1500L, "NX").ShouldBe(
            "*6\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n$2\r\nPX\r\n$4\r\n1500\r\n$2\r\nNX\r\n");
    }

    [Fact]
    public void WritesNumbersInInvariantForm()
    {
        Write("ZADD", -12, 1.5, double.PositiveInfinity, double.NegativeInfinity, 0.1, long.MinValue).ShouldBe(
            "*7\r\n$4\r\nZADD\r\n$3\r\n-12\r\n$3\r\n1.5\r\n$4\r\n+inf\r\n$4\r\n-inf\r\n$3\r\n0.1\r\n$20\r\n-9223372036854775808\r\n");
    }

    [Fact]
    public void WritesTextAsUtf8AndCountsBytesNotCharacters()
    {
        Write("SET", "clé", "日本").ShouldBe("*3\r\n$3\r\nSET\r\n$4\r\nclé\r\n$6\r\n日本\r\n");
    }

    [Fact]
    public void WritesEmptyValues()
    {
        Write("SET", "k", "", default(RedisValue), ReadOnlyMemory<byte>.Empty).ShouldBe(
            "*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n");
    }

    [Fact]
    public void RefusesNaNAndNullText()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => RedisValue.FromDouble(double.NaN));
        Should.Throw<ArgumentNullException>(() => (RedisValue)(string)null!);
    }

    [Fact]
    public async Task RoundTripsBinaryAndLargeValuesThroughTheParser()
    {
        var binary = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var large = new byte[1024 * 1024];
        new Random(3).NextBytes(large);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));

        RespWriter.WriteCommand(pipe.Writer, "MSET", ["a", binary, "b", large, "c", "\r\n*1\r\n"]);
        await pipe.Writer.FlushAsync();
        await pipe.Writer.CompleteAsync();

        // A command is an array of bulk strings: the reply parser reads it.
        var command = (await new RespParser().ReadAsync(pipe.Reader, CancellationToken.None)).ShouldNotBeNull();
        var items = command.AsArray().ShouldNotBeNull();
        items.Select(i => i.Kind).ShouldAllBe(kind => kind == RedisResultKind.BulkString);
        items[0].AsString().ShouldBe("MSET");
        items[2].AsBytes().ShouldBe(binary);
        items[4].AsBytes().ShouldBe(large);
        items[6].AsString().ShouldBe("\r\n*1\r\n");
    }

    [Fact]
    public void WritesIntoABufferWriterThatHandsOutTinySpans()
    {
        var value = Encoding.UTF8.GetBytes(new string('x', 10_000));
        var output = new TinyBufferWriter();

        RespWriter.WriteCommand(output, "SET", ["k", value, "ünïcödé " + new string('y', 5000)]);

        var expected = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(expected, "SET", ["k", value, "ünïcödé " + new string('y', 5000)]);
        output.Written.ShouldBe(expected.WrittenSpan.ToArray());
    }

    [Fact]
    public void ValuesAreEqualWhenRedisWouldReceiveTheSameBytes()
    {
        ((RedisValue)"12").ShouldBe((RedisValue)12);
        ((RedisValue)"a").ShouldBe((RedisValue)"a"u8.ToArray());
        ((RedisValue)"a").ShouldNotBe((RedisValue)"b");
        ((RedisValue)"secret").ToString().ShouldNotContain("secret");
    }

    private static string Write(string command, params RedisValue[] args)
    {
        var output = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(output, command, args);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    /// <summary>Gives out exactly the size asked for (at least 1 byte), the least an IBufferWriter may.</summary>
    private sealed class TinyBufferWriter : IBufferWriter<byte>
    {
        private readonly List<byte> _written = [];
        private byte[] _current = [];

        public byte[] Written => [.. _written];

        public void Advance(int count) => _written.AddRange(_current.AsSpan(0, count));

        public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, 1)];

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
