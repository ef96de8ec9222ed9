using System.Buffers;
using Accounts.Core.Errors;
using Accounts.Tcp.Tests.Support;

namespace Accounts.Tcp.Tests;

/// <summary>The byte-level examples of docs/protocol.md are what the code reads and writes.</summary>
public sealed class DocumentedExamplesTests
{
    private static readonly byte[] PingRequest = [0x00, 0x00, 0x00, 0x03, 0x08, 0x7B, 0x7D];

    [Fact]
    public void ThePingRequestExample() => Request(0x08, "{}"u8).ShouldBe(PingRequest);

    [Fact]
    public async Task ThePingResponseExample()
    {
        await using var server = await TcpTestServer.StartAsync(time: new ManualClock()); // 2026-01-01T12:00:00Z
        await using var connection = await server.ConnectRawAsync();

        await connection.SendAsync(PingRequest);
        var response = await connection.ReadRequiredFrameAsync();

        Response(response).ShouldBe(Hex("""
            00 00 00 18 88 00 7B 22 70 6F 6E 67 22 3A 31 37
            36 37 32 36 38 38 30 30 30 30 30 7D
            """));
    }

    [Fact]
    public void TheLoginRequestExample() =>
        Request(0x02, """{"login":"ada","password":"correct horse battery staple"}"""u8).ShouldBe(Hex("""
            00 00 00 3A 02 7B 22 6C 6F 67 69 6E 22 3A 22 61
            64 61 22 2C 22 70 61 73 73 77 6F 72 64 22 3A 22
            63 6F 72 72 65 63 74 20 68 6F 72 73 65 20 62 61
            74 74 65 72 79 20 73 74 61 70 6C 65 22 7D
            """));

    [Fact]
    public void TheLoginErrorExample()
    {
        var reply = TcpReply.FromError(AccountErrors.InvalidCredentials);

        Response(new ResponseFrame(0x82, (byte)reply.Status, reply.Payload)).ShouldBe(Hex("""
            00 00 00 55 82 02 7B 22 65 72 72 6F 72 22 3A 22
            69 6E 76 61 6C 69 64 5F 63 72 65 64 65 6E 74 69
            61 6C 73 22 2C 22 6D 65 73 73 61 67 65 22 3A 22
            54 68 65 20 6C 6F 67 69 6E 20 6F 72 20 74 68 65
            20 70 61 73 73 77 6F 72 64 20 69 73 20 69 6E 63
            6F 72 72 65 63 74 2E 22 7D
            """));
    }

    private static byte[] Request(byte type, ReadOnlySpan<byte> payload)
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteRequest(output, type, payload);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Response(ResponseFrame frame)
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteResponse(output, frame);
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Hex(string dump) =>
        Convert.FromHexString(string.Concat(dump.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)));
}
