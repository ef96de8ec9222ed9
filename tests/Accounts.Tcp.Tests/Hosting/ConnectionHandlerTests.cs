using System.Text;
using System.Text.Json;
using Accounts.Core.Errors;
using Accounts.Tcp.Contracts;
using Accounts.Tcp.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Accounts.Tcp.Tests.Hosting;

/// <summary>The connection handler in a real Kestrel server, over real loopback sockets, with a scripted dispatcher.</summary>
public sealed class ConnectionHandlerTests
{
    [Fact]
    public async Task PingIsAnsweredWithTheServerClockWithoutTheDispatcher()
    {
        var clock = new ManualClock();
        await using var server = await TcpTestServer.StartAsync(time: clock);
        await using var connection = await server.ConnectRawAsync();

        await connection.SendFrameAsync(TcpRequestType.Ping, "");
        await connection.SendFrameAsync(TcpRequestType.Ping, "{}");

        foreach (var _ in new[] { 1, 2 })
        {
            var pong = await connection.ReadRequiredFrameAsync();
            pong.ShouldBeOk(TcpRequestType.Ping);
            pong.Json().GetProperty("pong").GetInt64().ShouldBe(clock.UtcNow.ToUnixTimeMilliseconds());
        }

        server.Dispatcher.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(TcpRequestType.Register, """{"username":"ada","email":"ada@example.com","password":"correct horse"}""")]
    [InlineData(TcpRequestType.Login, """{"login":"ada","password":"correct horse"}""")]
    [InlineData(TcpRequestType.VerifyToken, """{"token":"eyJ"}""")]
    [InlineData(TcpRequestType.UpdateUser, """{"token":"eyJ","displayName":"Ada Lovelace"}""")]
    [InlineData(TcpRequestType.DeleteUser, """{"token":"eyJ","password":"correct horse"}""")]
    [InlineData(TcpRequestType.VerifyOtp, """{"email":"ada@example.com","otp":"123456"}""")]
    [InlineData(TcpRequestType.RefreshToken, """{"refreshToken":"r"}""")]
    public async Task EveryRequestTypeReachesTheDispatcherAndIsAnsweredWithItsType(TcpRequestType type, string json)
    {
        await using var server = await TcpTestServer.StartAsync();
        await using var connection = await server.ConnectRawAsync();

        await connection.SendFrameAsync(type, json);
        var response = await connection.ReadRequiredFrameAsync();

        response.ShouldBeOk(type);
        response.Text().ShouldBe(json);
        var received = server.Dispatcher.Requests.ShouldHaveSingleItem();
        received.Type.ShouldBe(type);
        received.Json.ShouldBe(json);
        received.ClientAddress.ShouldBe("127.0.0.1");
    }

    [Theory]
    [InlineData(TcpStatus.BadRequest, "weak_password")]
    [InlineData(TcpStatus.Unauthorized, "invalid_credentials")]
    [InlineData(TcpStatus.Forbidden, "account_locked")]
    [InlineData(TcpStatus.NotFound, "user_not_found")]
    [InlineData(TcpStatus.Conflict, "username_taken")]
    [InlineData(TcpStatus.RateLimited, "too_many_codes")]
    [InlineData(TcpStatus.Unavailable, "unavailable")]
    [InlineData(TcpStatus.Internal, "internal_error")]
    public async Task EveryErrorStatusTravelsWithItsCodeAndTheConnectionStaysUsable(TcpStatus status, string code)
    {
        await using var server = await TcpTestServer.StartAsync();
        server.Dispatcher.Answer = (_, _, _, _) => ValueTask.FromResult(TcpReply.Error(status, code, "Something about " + code));
        await using var connection = await server.ConnectRawAsync();

        await connection.SendFrameAsync(TcpRequestType.Login, """{"login":"ada","password":"x"}""");
        var response = await connection.ReadRequiredFrameAsync();

        response.ShouldBeError(0x82, status, code);
        response.Json().GetProperty("message").GetString().ShouldBe("Something about " + code);
        await connection.SendFrameAsync(TcpRequestType.Ping, "");
        (await connection.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.Ping);
    }

    [Fact]
    public async Task AUseCaseErrorKeepsItsCodeFieldAndRetryAfter()
    {
        await using var server = await TcpTestServer.StartAsync();
        server.Dispatcher.Answer = (_, _, _, _) => ValueTask.FromResult(TcpReply.FromError(AccountErrors.AccountLocked(TimeSpan.FromSeconds(90.2))));
        await using var connection = await server.ConnectRawAsync();

        await connection.SendFrameAsync(TcpRequestType.Login, """{"login":"ada","password":"x"}""");
        var response = await connection.ReadRequiredFrameAsync();

        response.ShouldBeError(0x82, TcpStatus.Forbidden, "account_locked");
        response.Json().GetProperty("retryAfter").GetInt64().ShouldBe(91);
    }

    [Fact]
    public async Task AThousandPipelinedFramesAreAnsweredInOrder()
    {
        await using var server = await TcpTestServer.StartAsync(new() { ["RequestBurst"] = "100000", ["RequestsPerSecond"] = "100000" });
        server.Dispatcher.Answer = async (type, json, context, cancellationToken) =>
        {
            // Answers complete out of order: later requests often finish first.
            var seq = JsonDocument.Parse(json).RootElement.GetProperty("seq").GetInt32();
            await Task.Delay(seq % 7 == 0 ? 3 : 0, cancellationToken);
            return TcpReply.Ok(new { seq });
        };
        await using var connection = await server.ConnectRawAsync();

        var frames = Enumerable.Range(0, 1000)
            .SelectMany(i => RawConnection.Frame(i % 5 == 4 ? (byte)TcpRequestType.Ping : (byte)TcpRequestType.VerifyToken, $$"""{"seq":{{i}}}"""))
            .ToArray();
        await connection.SendAsync(frames);

        for (var i = 0; i < 1000; i++)
        {
            var response = await connection.ReadRequiredFrameAsync();
            if (i % 5 == 4)
            {
                response.ShouldBeOk(TcpRequestType.Ping);
            }
            else
            {
                response.ShouldBeOk(TcpRequestType.VerifyToken);
                response.Json().GetProperty("seq").GetInt32().ShouldBe(i);
            }
        }
    }

    [Fact]
    public async Task AFrameDeliveredOneByteAtATimeIsAnswered()
    {
        await using var server = await TcpTestServer.StartAsync();
        await using var connection = await server.ConnectRawAsync();
        var frame = RawConnection.Frame((byte)TcpRequestType.Login, """{"login":"ada","password":"correct horse"}""");

        foreach (var b in frame)
        {
            await connection.SendAsync(new[] { b });
            await Task.Delay(2, TestContext.Current.CancellationToken);
        }

        var response = await connection.ReadRequiredFrameAsync();
        response.ShouldBeOk(TcpRequestType.Login);
        response.Text().ShouldBe("""{"login":"ada","password":"correct horse"}""");
    }

    [Fact]
    public async Task ADeclaredLengthOverTheLimitGetsAnErrorFrameAfterEarlierAnswersThenClose()
    {
        await using var server = await TcpTestServer.StartAsync(new() { ["MaxFrameBytes"] = "1024" });
        await using var connection = await server.ConnectRawAsync();

        await connection.SendFrameAsync(TcpRequestType.VerifyToken, """{"token":"first"}""");
        await connection.SendAsync(new byte[] { 0x00, 0x0F, 0x42, 0x40, (byte)TcpRequestType.UpdateUser }); // 1,000,000 bytes declared
        await connection.SendAsync(new byte[100]); // the start of the payload, which is never read as a frame

        (await connection.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.VerifyToken);
        var error = await connection.ReadRequiredFrameAsync();
        error.ShouldBeError(0x84, TcpStatus.BadRequest, TcpErrorCodes.FrameTooLarge);
        (await connection.IsClosedByServerAsync()).ShouldBeTrue();
        server.Logs.Entries.ShouldContain(e => e.EventId.Id == 6004);
    }

    [Fact]
    public async Task AFrameTooShortForATypeGetsAnErrorFrameThenClose()
    {
        await using var server = await TcpTestServer.StartAsync();
        await using var connection = await server.ConnectRawAsync();

        await connection.SendAsync(new byte[] { 0, 0, 0, 0 });

        (await connection.ReadRequiredFrameAsync()).ShouldBeError(0x80, TcpStatus.BadRequest, TcpErrorCodes.InvalidFrame);
        (await connection.IsClosedByServerAsync()).ShouldBeTrue();
    }

    [Fact]
    public async Task ATruncatedFrameThenCloseEndsTheConnectionCleanly()
    {
        await using var server = await TcpTestServer.StartAsync();
        await using (var connection = await server.ConnectRawAsync())
        {
            await connection.SendFrameAsync(TcpRequestType.Ping, "");
            (await connection.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.Ping);
            var frame = RawConnection.Frame((byte)TcpRequestType.Login, """{"login":"ada","password":"correct horse"}""");
            await connection.SendAsync(frame[..12]);
        }

        await Eventually.TrueAsync(() => server.Handler.OpenConnections == 0, "the handler lets the connection go");
        server.Logs.Entries.ShouldContain(e => e.EventId.Id == 6006, "the truncated frame is noted");
        server.Logs.Entries.ShouldNotContain(e => e.Level >= LogLevel.Warning, string.Join('\n', server.Logs.Entries));
        server.Dispatcher.Requests.ShouldBeEmpty();

        await using var next = await server.ConnectRawAsync();
        await next.SendFrameAsync(TcpRequestType.Ping, "");
        (await next.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.Ping);
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x09)]
    [InlineData(0x7F)]
    [InlineData(0x82)]
    public async Task AnUnknownTypeGetsAnErrorFrameAndTheConnectionStaysUsable(byte type)
    {
        await using var server = await TcpTestServer.StartAsync();
        await using var connection = await server.ConnectRawAsync();

        await connection.SendAsync(RawConnection.Frame(type, "{}"));
        await connection.SendFrameAsync(TcpRequestType.Ping, "");

        (await connection.ReadRequiredFrameAsync()).ShouldBeError((byte)(type | 0x80), TcpStatus.BadRequest, TcpErrorCodes.UnknownType);
        (await connection.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.Ping);
        server.Dispatcher.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(TcpRequestType.Login, "{\"login\":\"ada\"")]
    [InlineData(TcpRequestType.Login, "not json")]
    [InlineData(TcpRequestType.Login, "[1,2]")]
    [InlineData(TcpRequestType.Login, "\"a string\"")]
    [InlineData(TcpRequestType.Login, "{}{}")]
    [InlineData(TcpRequestType.Login, "{} x")]
    [InlineData(TcpRequestType.Login, "")]
    [InlineData(TcpRequestType.Login, "{/* comment */}")]
    [InlineData(TcpRequestType.Ping, "null")]
    public async Task APayloadThatIsNotOneJsonObjectGetsInvalidJsonAndTheConnectionStaysUsable(TcpRequestType type, string payload)
    {
        await using var server = await TcpTestServer.StartAsync();
        await using var connection = await server.ConnectRawAsync();

        await connection.SendFrameAsync(type, payload);
        await connection.SendFrameAsync(TcpRequestType.Ping, "");

        (await connection.ReadRequiredFrameAsync()).ShouldBeError((byte)((byte)type | 0x80), TcpStatus.BadRequest, TcpErrorCodes.InvalidJson);
        (await connection.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.Ping);
        server.Dispatcher.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task APayloadOfInvalidUtf8GetsInvalidJson()
    {
        await using var server = await TcpTestServer.StartAsync();
        await using var connection = await server.ConnectRawAsync();

        await connection.SendAsync(RawConnection.Frame((byte)TcpRequestType.Login, [.. "{\"login\":\""u8, 0xC3, 0x28, .. "\"}"u8]));

        (await connection.ReadRequiredFrameAsync()).ShouldBeError(0x82, TcpStatus.BadRequest, TcpErrorCodes.InvalidJson);
        server.Dispatcher.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task APayloadOfTheWrongShapeGetsInvalidRequest()
    {
        await using var server = await TcpTestServer.StartAsync();
        server.Dispatcher.Answer = (_, json, _, _) => ValueTask.FromResult(TcpReply.Ok(TcpJson.Deserialize<LoginRequest>(json)));
        await using var connection = await server.ConnectRawAsync();

        await connection.SendFrameAsync(TcpRequestType.Login, """{"login":["ada"],"password":"x"}""");

        (await connection.ReadRequiredFrameAsync()).ShouldBeError(0x82, TcpStatus.BadRequest, TcpErrorCodes.InvalidRequest);
    }

    [Fact]
    public async Task AnIdleConnectionIsDroppedAfterTheTimeoutWhileOthersKeepWorking()
    {
        await using var server = await TcpTestServer.StartAsync(new() { ["IdleTimeout"] = "00:00:01" });
        await using var idle = await server.ConnectRawAsync();
        await using var busy = await server.ConnectRawAsync();

        var closed = idle.IsClosedByServerAsync();
        var pings = 0;
        while (!closed.IsCompleted)
        {
            await busy.SendFrameAsync(TcpRequestType.Ping, "");
            (await busy.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.Ping);
            pings++;
            await Task.WhenAny(closed, Task.Delay(50, TestContext.Current.CancellationToken)).Within("the idle connection to close");
        }

        (await closed).ShouldBeTrue();
        pings.ShouldBeGreaterThan(0, "the busy connection worked meanwhile");
        await busy.SendFrameAsync(TcpRequestType.Ping, "");
        (await busy.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.Ping);
        server.Logs.Entries.ShouldContain(e => e.EventId.Id == 6003);
    }

    [Fact]
    public async Task ARequestTakingLongerThanTheIdleTimeoutIsStillAnswered()
    {
        await using var server = await TcpTestServer.StartAsync(new() { ["IdleTimeout"] = "00:00:00.200" });
        server.Dispatcher.Answer = async (_, json, _, cancellationToken) =>
        {
            await Task.Delay(700, cancellationToken);
            return TcpReply.Ok();
        };
        await using var connection = await server.ConnectRawAsync();

        await connection.SendFrameAsync(TcpRequestType.VerifyToken, """{"token":"t"}""");

        (await connection.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.VerifyToken);
        (await connection.IsClosedByServerAsync()).ShouldBeTrue("idle again after the answer");
    }

    [Fact]
    public async Task AClientThatStopsReadingItsAnswersIsDisconnected()
    {
        await using var server = await TcpTestServer.StartAsync(new() { ["IdleTimeout"] = "00:00:00.300", ["RequestBurst"] = "10000" });
        var large = TcpReply.Ok(new { filler = new string('x', 60_000) });
        server.Dispatcher.Answer = (_, _, _, _) => ValueTask.FromResult(large);
        await using var connection = await server.ConnectRawAsync();
        await connection.SendFrameAsync(TcpRequestType.Ping, "");
        (await connection.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.Ping);

        // 9 KB of requests, about 30 MB of answers that are never read: more than the socket buffers hold.
        await connection.SendAsync(Enumerable.Range(0, 500).SelectMany(_ => RawConnection.Frame((byte)TcpRequestType.VerifyToken, """{"token":"t"}""")).ToArray());

        await Eventually.TrueAsync(() => server.Handler.OpenConnections == 0, "the server gives up on the connection");
        server.Logs.Entries.ShouldContain(e => e.EventId.Id == 6013 && e.Exception is TimeoutException, string.Join('\n', server.Logs.Entries));
    }

    [Fact]
    public async Task AConnectionOverTheLimitGetsAnErrorFrameThenClose()
    {
        await using var server = await TcpTestServer.StartAsync(new() { ["MaxConnections"] = "2" });
        await using var first = await server.ConnectRawAsync();
        await using var second = await server.ConnectRawAsync();
        foreach (var connection in new[] { first, second })
        {
            await connection.SendFrameAsync(TcpRequestType.Ping, "");
            (await connection.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.Ping);
        }

        await using (var third = await server.ConnectRawAsync())
        {
            await third.SendFrameAsync(TcpRequestType.Ping, "");
            (await third.ReadRequiredFrameAsync()).ShouldBeError(0x80, TcpStatus.Unavailable, TcpErrorCodes.TooManyConnections);
            (await third.IsClosedByServerAsync()).ShouldBeTrue();
        }

        await first.DisposeAsync();
        await Eventually.TrueAsync(() => server.Handler.OpenConnections == 1, "the first connection's slot is free");
        await using var fourth = await server.ConnectRawAsync();
        await fourth.SendFrameAsync(TcpRequestType.Ping, "");
        (await fourth.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.Ping);
    }

    [Fact]
    public async Task RequestsOverTheRateGetRateLimitedAndTheConnectionStaysUsable()
    {
        var clock = new ManualClock();
        await using var server = await TcpTestServer.StartAsync(new() { ["RequestsPerSecond"] = "2", ["RequestBurst"] = "3" }, clock);
        await using var connection = await server.ConnectRawAsync();

        await connection.SendAsync(Enumerable.Range(0, 5).SelectMany(_ => RawConnection.Frame((byte)TcpRequestType.VerifyToken, """{"token":"t"}""")).ToArray());

        for (var i = 0; i < 3; i++)
        {
            (await connection.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.VerifyToken);
        }

        for (var i = 0; i < 2; i++)
        {
            var limited = await connection.ReadRequiredFrameAsync();
            limited.ShouldBeError(0x83, TcpStatus.RateLimited, TcpErrorCodes.RateLimited);
            limited.Json().GetProperty("retryAfter").GetInt64().ShouldBe(1);
        }

        server.Dispatcher.Requests.Count.ShouldBe(3);
        clock.Advance(TimeSpan.FromSeconds(0.5));
        await connection.SendFrameAsync(TcpRequestType.VerifyToken, """{"token":"t"}""");
        (await connection.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.VerifyToken);
    }

    [Fact]
    public async Task ADispatcherExceptionIsAnsweredInternalErrorWithoutDetails()
    {
        await using var server = await TcpTestServer.StartAsync();
        server.Dispatcher.Answer = (_, _, _, _) => throw new InvalidOperationException("secret detail of the failure");
        await using var connection = await server.ConnectRawAsync();

        await connection.SendFrameAsync(TcpRequestType.DeleteUser, """{"token":"t","password":"p"}""");
        await connection.SendFrameAsync(TcpRequestType.Ping, "");

        var response = await connection.ReadRequiredFrameAsync();
        response.ShouldBeError(0x85, TcpStatus.Internal, TcpErrorCodes.InternalError);
        response.Text().ShouldBe("""{"error":"internal_error","message":"An unexpected error occurred."}""");
        (await connection.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.Ping);
        server.Logs.Entries.ShouldContain(e => e.EventId.Id == 6010 && e.Level == LogLevel.Error && e.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task AFailedDependencyIsAnsweredUnavailable()
    {
        await using var server = await TcpTestServer.StartAsync();
        server.Dispatcher.Answer = async (_, _, _, _) =>
        {
            await Task.Yield();
            throw new TimeoutException("the database did not answer");
        };
        await using var connection = await server.ConnectRawAsync();

        await connection.SendFrameAsync(TcpRequestType.Login, """{"login":"ada","password":"x"}""");

        var response = await connection.ReadRequiredFrameAsync();
        response.ShouldBeError(0x82, TcpStatus.Unavailable, TcpErrorCodes.Unavailable);
        response.Text().ShouldNotContain("database");
    }

    [Fact]
    public async Task AClientThatHalfClosesStillGetsEveryAnswer()
    {
        await using var server = await TcpTestServer.StartAsync();
        server.Dispatcher.Answer = async (_, json, _, cancellationToken) =>
        {
            await Task.Delay(100, cancellationToken);
            return TcpReply.Json(TcpStatus.Ok, json.ToArray());
        };
        await using var connection = await server.ConnectRawAsync();

        for (var i = 0; i < 3; i++)
        {
            await connection.SendFrameAsync(TcpRequestType.VerifyToken, $$"""{"token":"{{i}}"}""");
        }

        connection.ShutdownSend();

        for (var i = 0; i < 3; i++)
        {
            var response = await connection.ReadRequiredFrameAsync();
            response.ShouldBeOk(TcpRequestType.VerifyToken);
            response.Json().GetProperty("token").GetString().ShouldBe(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        (await connection.IsClosedByServerAsync()).ShouldBeTrue();
    }

    [Fact]
    public async Task AServerShuttingDownAnswersWhatItReceivedThenCloses()
    {
        var server = await TcpTestServer.StartAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Dispatcher.Answer = async (_, json, _, _) =>
        {
            started.TrySetResult();
            await Task.Delay(300, CancellationToken.None);
            return TcpReply.Ok();
        };
        await using var connection = await server.ConnectRawAsync();
        await connection.SendFrameAsync(TcpRequestType.VerifyToken, """{"token":"t"}""");
        await started.Task.Within("the request to start");

        var stopping = server.StopAsync();

        (await connection.ReadRequiredFrameAsync()).ShouldBeOk(TcpRequestType.VerifyToken);
        (await connection.IsClosedByServerAsync()).ShouldBeTrue();
        await stopping.Within("the server to stop");
        await server.DisposeAsync();
    }

    [Fact]
    public async Task PayloadsNeverReachTheLogs()
    {
        const string Secret = "Pa55-w0rd-that-must-not-be-logged";
        await using var server = await TcpTestServer.StartAsync(new() { ["RequestsPerSecond"] = "1", ["RequestBurst"] = "6" });
        server.Dispatcher.Answer = (type, _, _, _) => type == TcpRequestType.DeleteUser
            ? throw new JsonException("bad")
            : ValueTask.FromResult(TcpReply.Ok());
        await using var connection = await server.ConnectRawAsync();

        await connection.SendFrameAsync(TcpRequestType.Login, $$"""{"login":"ada","password":"{{Secret}}"}""");
        await connection.SendFrameAsync(TcpRequestType.Login, $$"""{"login":"ada","password":"{{Secret}}" """);
        await connection.SendFrameAsync(TcpRequestType.DeleteUser, $$"""{"token":"t","password":"{{Secret}}"}""");
        await connection.SendAsync(RawConnection.Frame(0x42, $$"""{"password":"{{Secret}}"}"""));
        await connection.SendAsync(RawConnection.Frame((byte)TcpRequestType.Login, Encoding.UTF8.GetBytes(Secret)));
        await connection.SendFrameAsync(TcpRequestType.Ping, "");
        await connection.SendFrameAsync(TcpRequestType.Login, $$"""{"login":"ada","password":"{{Secret}}"}""");
        for (var i = 0; i < 7; i++)
        {
            await connection.ReadRequiredFrameAsync();
        }

        server.Logs.Entries.Count.ShouldBeGreaterThan(5);
        foreach (var entry in server.Logs.Entries)
        {
            entry.ToString().ShouldNotContain(Secret);
        }
    }
}
