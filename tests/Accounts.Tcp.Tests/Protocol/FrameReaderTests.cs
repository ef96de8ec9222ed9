using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace Accounts.Tcp.Tests.Protocol;

/// <summary>The frame reader and writer over in-memory pipes: no sockets.</summary>
public sealed class FrameReaderTests
{
    private static readonly FrameReader Reader = new(1024);

    [Fact]
    public void WritesTheLengthBigEndianCountingTypeAndPayload()
    {
        var payload = new byte[300];
        var output = new ArrayBufferWriter<byte>();

        FrameWriter.WriteRequest(output, 0x02, payload);

        // 301 = 0x0000012D: the type byte and the payload.
        output.WrittenSpan[..5].ToArray().ShouldBe(new byte[] { 0x00, 0x00, 0x01, 0x2D, 0x02 });
        output.WrittenCount.ShouldBe(4 + 301);
    }

    [Fact]
    public void WritesAResponseWithTypeStatusAndPayload()
    {
        var output = new ArrayBufferWriter<byte>();

        FrameWriter.WriteResponse(output, new ResponseFrame(0x88, 0, "{}"u8.ToArray()));

        output.WrittenSpan.ToArray().ShouldBe(new byte[] { 0x00, 0x00, 0x00, 0x04, 0x88, 0x00, (byte)'{', (byte)'}' });
    }

    [Fact]
    public void ReadsTheDocumentedPingRequest()
    {
        // docs/protocol.md: a Ping with payload {} is 00 00 00 03 08 7B 7D.
        var input = new ReadOnlySequence<byte>(new byte[] { 0x00, 0x00, 0x00, 0x03, 0x08, 0x7B, 0x7D });
        var consumed = input.Start;
        var examined = input.End;

        Reader.TryParseRequest(input, ref consumed, ref examined, out var frame).ShouldBe(FrameReadResult.Frame);

        frame.Type.ShouldBe((byte)TcpRequestType.Ping);
        Encoding.UTF8.GetString(frame.Payload.ToArray()).ShouldBe("{}");
        consumed.ShouldBe(input.End);
    }

    [Fact]
    public void ReadsAZeroLengthPayload()
    {
        var input = new ReadOnlySequence<byte>(new byte[] { 0x00, 0x00, 0x00, 0x01, 0x08 });
        var consumed = input.Start;
        var examined = input.End;

        Reader.TryParseRequest(input, ref consumed, ref examined, out var frame).ShouldBe(FrameReadResult.Frame);

        frame.Type.ShouldBe((byte)0x08);
        frame.Payload.IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void RejectsALengthThatCannotHoldTheType()
    {
        var input = new ReadOnlySequence<byte>(new byte[] { 0x00, 0x00, 0x00, 0x00 });
        var consumed = input.Start;
        var examined = input.End;

        Reader.TryParseRequest(input, ref consumed, ref examined, out _).ShouldBe(FrameReadResult.Invalid);
    }

    [Theory]
    [InlineData(1025u)]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0xFFFFFFFFu)] // read unsigned: a huge length, never a negative one
    public void EnforcesTheMaximumFromTheHeaderAlone(uint declared)
    {
        var header = new byte[5];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header, declared);
        header[4] = 0x02;
        var input = new ReadOnlySequence<byte>(header);
        var consumed = input.Start;
        var examined = input.End;

        Reader.TryParseRequest(input, ref consumed, ref examined, out var frame).ShouldBe(FrameReadResult.TooLarge);

        frame.Type.ShouldBe((byte)0x02, "the error frame names the request type");
    }

    [Fact]
    public void AcceptsAFrameOfExactlyTheMaximum()
    {
        var bytes = Frame(0x04, new byte[1023]);
        var input = new ReadOnlySequence<byte>(bytes);
        var consumed = input.Start;
        var examined = input.End;

        Reader.TryParseRequest(input, ref consumed, ref examined, out var frame).ShouldBe(FrameReadResult.Frame);

        frame.Payload.Length.ShouldBe(1023);
    }

    [Fact]
    public async Task DecidesTooLargeBeforeThePayloadArrives()
    {
        var pipe = new Pipe();
        var header = Frame(0x02, new byte[2000])[..5];
        await pipe.Writer.WriteAsync(header, TestContext.Current.CancellationToken);

        var result = await pipe.Reader.ReadAsync(TestContext.Current.CancellationToken);
        var consumed = result.Buffer.Start;
        var examined = result.Buffer.End;

        Reader.TryParseRequest(result.Buffer, ref consumed, ref examined, out _).ShouldBe(FrameReadResult.TooLarge);
    }

    [Fact]
    public void AsksForMoreUntilTheHeaderAndPayloadAreIn()
    {
        var bytes = Frame(0x02, """{"login":"ada","password":"x"}"""u8.ToArray());
        for (var length = 0; length < bytes.Length; length++)
        {
            var input = new ReadOnlySequence<byte>(bytes, 0, length);
            var consumed = input.Start;
            var examined = input.Start;

            Reader.TryParseRequest(input, ref consumed, ref examined, out _).ShouldBe(FrameReadResult.NeedMoreData, $"with {length} bytes");

            consumed.ShouldBe(input.Start);
            examined.ShouldBe(input.End, "everything was looked at, so the pipe waits for more");
        }
    }

    [Fact]
    public async Task ReadsSeveralFramesFromOneBuffer()
    {
        var frames = await ReadAllAsync([Stream()]);

        frames.ToArray().ShouldBe(Expected());
    }

    [Fact]
    public async Task ReadsFramesSplitAtEveryByteBoundary()
    {
        var stream = Stream();
        for (var split = 0; split <= stream.Length; split++)
        {
            var frames = await ReadAllAsync([stream[..split], stream[split..]]);

            frames.ToArray().ShouldBe(Expected(), $"split at byte {split}");
        }
    }

    [Fact]
    public async Task ReadsFramesDeliveredOneByteAtATime()
    {
        var stream = Stream();

        var frames = await ReadAllAsync([.. stream.Select(b => new[] { b })]);

        frames.ToArray().ShouldBe(Expected());
    }

    [Fact]
    public void ReadsAFrameSpreadOverManySegments()
    {
        var stream = Stream();
        var input = OneByteSegments(stream);
        var frames = new List<(byte, string)>();
        while (true)
        {
            var consumed = input.Start;
            var examined = input.End;
            if (Reader.TryParseRequest(input, ref consumed, ref examined, out var frame) != FrameReadResult.Frame)
            {
                break;
            }

            frames.Add((frame.Type, Encoding.UTF8.GetString(frame.Payload.ToArray())));
            input = input.Slice(consumed);
        }

        frames.ToArray().ShouldBe(Expected());
    }

    [Fact]
    public void ReadsAResponseItWrote()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteResponse(output, new ResponseFrame(0x82, (byte)TcpStatus.Unauthorized, """{"error":"invalid_credentials"}"""u8.ToArray()));
        var input = OneByteSegments(output.WrittenSpan.ToArray());
        var consumed = input.Start;
        var examined = input.End;

        Reader.TryParseResponse(input, ref consumed, ref examined, out var frame).ShouldBe(FrameReadResult.Frame);

        frame.Type.ShouldBe((byte)0x82);
        frame.Status.ShouldBe((byte)2);
        Encoding.UTF8.GetString(frame.Payload.Span).ShouldBe("""{"error":"invalid_credentials"}""");
    }

    [Fact]
    public void RejectsAResponseTooShortForTypeAndStatus()
    {
        var input = new ReadOnlySequence<byte>(new byte[] { 0x00, 0x00, 0x00, 0x01, 0x88 });
        var consumed = input.Start;
        var examined = input.End;

        Reader.TryParseResponse(input, ref consumed, ref examined, out _).ShouldBe(FrameReadResult.Invalid);
    }

    private static (byte, string)[] Expected() =>
    [
        (0x08, ""),
        (0x02, """{"login":"ada","password":"pässwörd"}"""),
        (0x03, """{"token":"t"}"""),
    ];

    private static byte[] Stream() =>
        [.. Expected().SelectMany(f => Frame(f.Item1, Encoding.UTF8.GetBytes(f.Item2)))];

    private static byte[] Frame(byte type, byte[] payload)
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(output, type, payload);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Writes each chunk into a pipe and reads frames as a connection does: AdvanceTo(consumed, examined) after each read.</summary>
    private static async Task<List<(byte, string)>> ReadAllAsync(byte[][] chunks)
    {
        var pipe = new Pipe();
        var writing = Task.Run(async () =>
        {
            foreach (var chunk in chunks)
            {
                await pipe.Writer.WriteAsync(chunk);
            }

            await pipe.Writer.CompleteAsync();
        });

        var frames = new List<(byte, string)>();
        while (true)
        {
            var result = await pipe.Reader.ReadAsync();
            var buffer = result.Buffer;
            while (true)
            {
                var consumed = buffer.Start;
                var examined = buffer.End;
                var outcome = Reader.TryParseRequest(buffer, ref consumed, ref examined, out var frame);
                if (outcome != FrameReadResult.Frame)
                {
                    outcome.ShouldBe(FrameReadResult.NeedMoreData);
                    pipe.Reader.AdvanceTo(buffer.Start, examined);
                    break;
                }

                frames.Add((frame.Type, Encoding.UTF8.GetString(frame.Payload.ToArray())));
                buffer = buffer.Slice(consumed);
            }

            if (result.IsCompleted)
            {
                buffer.IsEmpty.ShouldBeTrue("no bytes are left over");
                break;
            }
        }

        await pipe.Reader.CompleteAsync();
        await writing;
        return frames;
    }

    private static ReadOnlySequence<byte> OneByteSegments(byte[] bytes)
    {
        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
