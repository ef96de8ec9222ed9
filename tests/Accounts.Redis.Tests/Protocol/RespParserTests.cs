using System.IO.Pipelines;
using System.Text;
using Accounts.Redis.Protocol;

namespace Accounts.Redis.Tests.Protocol;

/// <summary>The RESP2 reader over in-memory pipes: no server.</summary>
public sealed class RespParserTests
{
    [Fact]
    public async Task ReadsASimpleString()
    {
        var reply = await ParseOneAsync("+OK\r\n");
        reply.Kind.ShouldBe(RedisResultKind.SimpleString);
        reply.AsString().ShouldBe("OK");
    }

    [Fact]
    public async Task ReadsAnError()
    {
        var reply = await ParseOneAsync("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        reply.Kind.ShouldBe(RedisResultKind.Error);
        reply.AsString().ShouldBe("WRONGTYPE Operation against a key holding the wrong kind of value");
    }

    [Theory]
    [InlineData(":0\r\n", 0L)]
    [InlineData(":1000\r\n", 1000L)]
    [InlineData(":-42\r\n", -42L)]
    [InlineData(":9223372036854775807\r\n", long.MaxValue)]
    [InlineData(":-9223372036854775808\r\n", long.MinValue)]
    public async Task ReadsAnInteger(string wire, long expected)
    {
        var reply = await ParseOneAsync(wire);
        reply.Kind.ShouldBe(RedisResultKind.Integer);
        reply.AsInt64().ShouldBe(expected);
    }

    [Fact]
    public async Task ReadsABulkString()
    {
        var reply = await ParseOneAsync("$5\r\nhello\r\n");
        reply.Kind.ShouldBe(RedisResultKind.BulkString);
        reply.IsNull.ShouldBeFalse();
        reply.AsString().ShouldBe("hello");
    }

    [Fact]
    public async Task ReadsAnEmptyBulkString()
    {
        var reply = await ParseOneAsync("$0\r\n\r\n");
        reply.IsNull.ShouldBeFalse();
        reply.AsBytes().ShouldBeEmpty();
    }

    [Fact]
    public async Task ReadsTheNullBulkString()
    {
        var reply = await ParseOneAsync("$-1\r\n");
        reply.Kind.ShouldBe(RedisResultKind.BulkString);
        reply.IsNull.ShouldBeTrue();
        reply.AsString().ShouldBeNull();
        reply.AsNullableInt64().ShouldBeNull();
    }

    [Fact]
    public async Task ReadsTheNullArray()
    {
        var reply = await ParseOneAsync("*-1\r\n");
        reply.Kind.ShouldBe(RedisResultKind.Array);
        reply.IsNull.ShouldBeTrue();
        reply.AsArray().ShouldBeNull();
    }

    [Fact]
    public async Task ReadsAnEmptyArray()
    {
        var reply = await ParseOneAsync("*0\r\n");
        reply.IsNull.ShouldBeFalse();
        reply.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task ReadsNestedArraysOfEveryType()
    {
        var reply = await ParseOneAsync(
            "*5\r\n:1\r\n*3\r\n$3\r\nfoo\r\n$-1\r\n*2\r\n+OK\r\n-ERR inner\r\n*-1\r\n*0\r\n$3\r\nbar\r\n");

        var items = reply.AsArray().ShouldNotBeNull();
        items.Count.ShouldBe(5);
        items[0].AsInt64().ShouldBe(1);
        var inner = items[1].AsArray().ShouldNotBeNull();
        inner[0].AsString().ShouldBe("foo");
        inner[1].IsNull.ShouldBeTrue();
        var innermost = inner[2].AsArray().ShouldNotBeNull();
        innermost[0].AsString().ShouldBe("OK");
        innermost[1].Kind.ShouldBe(RedisResultKind.Error);
        innermost[1].AsString().ShouldBe("ERR inner");
        items[2].IsNull.ShouldBeTrue();
        items[3].AsArray().ShouldBeEmpty();
        items[4].AsString().ShouldBe("bar");
    }

    [Fact]
    public async Task ReadsRepliesDeliveredOneByteAtATime()
    {
        const string Wire = "+OK\r\n-ERR no\r\n:-7\r\n$6\r\nfoo\r\nx\r\n$-1\r\n*-1\r\n*3\r\n*2\r\n:1\r\n$0\r\n\r\n+QUEUED\r\n$2\r\nhi\r\n";
        var pipe = new Pipe();
        var writing = Task.Run(async () =>
        {
            foreach (var b in Encoding.ASCII.GetBytes(Wire))
            {
                await pipe.Writer.WriteAsync(new[] { b });
            }

            await pipe.Writer.CompleteAsync();
        });

        var replies = await ReadAllAsync(pipe.Reader);
        await writing;

        replies.Count.ShouldBe(7);
        replies[0].AsString().ShouldBe("OK");
        replies[1].AsString().ShouldBe("ERR no");
        replies[2].AsInt64().ShouldBe(-7);
        replies[3].AsString().ShouldBe("foo\r\nx");
        replies[4].IsNull.ShouldBeTrue();
        replies[5].IsNull.ShouldBeTrue();
        var array = replies[6].AsArray().ShouldNotBeNull();
        array[0].AsArray()!.Select(r => r.AsString()).ShouldBe(["1", ""]);
        array[1].AsString().ShouldBe("QUEUED");
        array[2].AsString().ShouldBe("hi");
    }

    [Fact]
    public async Task ReadsAOneMebibyteBulkStringSplitAcrossManyReads()
    {
        var value = new byte[1024 * 1024];
        new Random(7).NextBytes(value);
        var wire = Concat(Encoding.ASCII.GetBytes($"$1048576\r\n"), value, "\r\n+after\r\n"u8.ToArray());

        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var writing = Task.Run(async () =>
        {
            var random = new Random(11);
            for (var offset = 0; offset < wire.Length;)
            {
                var size = Math.Min(random.Next(1, 70_000), wire.Length - offset);
                await pipe.Writer.WriteAsync(wire.AsMemory(offset, size));
                offset += size;
            }

            await pipe.Writer.CompleteAsync();
        });

        var replies = await ReadAllAsync(pipe.Reader);
        await writing;

        replies.Count.ShouldBe(2);
        replies[0].AsBytes().ShouldBe(value);
        replies[1].AsString().ShouldBe("after");
    }

    [Fact]
    public async Task KeepsEveryByteValueOfABulkString()
    {
        var value = Enumerable.Range(0, 256).Select(i => (byte)i).Concat("\r\n$-1\r\n"u8.ToArray()).ToArray();
        var wire = Concat(Encoding.ASCII.GetBytes($"${value.Length}\r\n"), value, "\r\n"u8.ToArray());

        var reply = await ParseOneAsync(wire);

        reply.AsBytes().ShouldBe(value);
    }

    [Fact]
    public async Task ReturnsNullWhenTheStreamEndsBetweenReplies()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("+OK\r\n"u8.ToArray());
        await pipe.Writer.CompleteAsync();
        var parser = new RespParser();

        (await parser.ReadAsync(pipe.Reader, CancellationToken.None)).ShouldNotBeNull();
        (await parser.ReadAsync(pipe.Reader, CancellationToken.None)).ShouldBeNull();
    }

    [Theory]
    [InlineData("$5\r\nhel")]
    [InlineData("*2\r\n:1\r\n")]
    [InlineData("+OK")]
    public async Task FailsWhenTheStreamEndsInTheMiddleOfAReply(string wire)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes(wire));
        await pipe.Writer.CompleteAsync();

        await Should.ThrowAsync<RedisProtocolException>(async () => await new RespParser().ReadAsync(pipe.Reader, CancellationToken.None));
    }

    [Theory]
    [InlineData("?what\r\n")]
    [InlineData("\r\n")]
    [InlineData(":12a\r\n")]
    [InlineData(":\r\n")]
    [InlineData("$abc\r\n")]
    [InlineData("$-2\r\n")]
    [InlineData("*-5\r\n")]
    [InlineData("$3\r\nabcd\r\n")]
    [InlineData("_\r\n")]
    [InlineData("%1\r\n+a\r\n+b\r\n")]
    public async Task RejectsWhatIsNotResp2(string wire)
    {
        await Should.ThrowAsync<RedisProtocolException>(async () => await ParseOneAsync(wire));
    }

    [Fact]
    public async Task RejectsNestingDeeperThanTheLimit()
    {
        var wire = string.Concat(Enumerable.Repeat("*1\r\n", RespParser.MaxDepth + 1)) + ":1\r\n";

        await Should.ThrowAsync<RedisProtocolException>(async () => await ParseOneAsync(wire));
    }

    [Fact]
    public async Task AcceptsNestingUpToTheLimit()
    {
        var wire = string.Concat(Enumerable.Repeat("*1\r\n", RespParser.MaxDepth)) + ":1\r\n";

        var reply = await ParseOneAsync(wire);

        for (var depth = 0; depth < RespParser.MaxDepth; depth++)
        {
            reply = reply.AsArray()!.ShouldHaveSingleItem();
        }

        reply.AsInt64().ShouldBe(1);
    }

    [Fact]
    public async Task ReadsALargeArrayWhoseItemsArriveInPieces()
    {
        const int Count = 50_000;
        var wire = new StringBuilder($"*{Count}\r\n");
        for (var i = 0; i < Count; i++)
        {
            wire.Append(i % 2 == 0 ? $":{i}\r\n" : $"${i.ToString(System.Globalization.CultureInfo.InvariantCulture).Length}\r\n{i}\r\n");
        }

        var bytes = Encoding.ASCII.GetBytes(wire.ToString());
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        for (var offset = 0; offset < bytes.Length; offset += 997)
        {
            await pipe.Writer.WriteAsync(bytes.AsMemory(offset, Math.Min(997, bytes.Length - offset)));
        }

        await pipe.Writer.CompleteAsync();

        var reply = (await ReadAllAsync(pipe.Reader)).ShouldHaveSingleItem();

        var items = reply.AsArray().ShouldNotBeNull();
        items.Count.ShouldBe(Count);
        items.Select(item => item.AsInt64()).ShouldBe(Enumerable.Range(0, Count).Select(i => (long)i));
    }

    private static Task<RedisResult> ParseOneAsync(string wire) => ParseOneAsync(Encoding.UTF8.GetBytes(wire));

    private static async Task<RedisResult> ParseOneAsync(byte[] wire)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await pipe.Writer.WriteAsync(wire);
        await pipe.Writer.CompleteAsync();
        var parser = new RespParser();
        var reply = await parser.ReadAsync(pipe.Reader, CancellationToken.None);
        (await parser.ReadAsync(pipe.Reader, CancellationToken.None)).ShouldBeNull("exactly one reply was expected");
        return reply.ShouldNotBeNull();
    }

    private static async Task<List<RedisResult>> ReadAllAsync(PipeReader input)
    {
        var parser = new RespParser();
        var replies = new List<RedisResult>();
        while (await parser.ReadAsync(input, CancellationToken.None) is { } reply)
        {
            replies.Add(reply);
        }

        return replies;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(part => part)];
}
