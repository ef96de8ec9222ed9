using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Accounts.Core.Errors;
using Accounts.Tcp.Contracts;
using Accounts.Tcp.Tests.Support;
using CoreProfile = Accounts.Core.Users.UserProfile;
using ServerStatus = Accounts.Tcp.TcpStatus;
using ServerType = Accounts.Tcp.TcpRequestType;

namespace Accounts.Tcp.Tests.Client;

// Inside the namespace, so that the client's TcpStatus, TcpRequestType and UserProfile win over the server's
// (which the enclosing namespace Accounts.Tcp would otherwise supply): these tests use the client as a gateway would.
using Accounts.Tcp.Client;

/// <summary>The client against the real handler in Kestrel (and, for broken peers, against a bare socket).</summary>
public sealed class AccountsTcpClientTests
{
    private static readonly DateTimeOffset Created = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task ConcurrentCallsArePipelinedOnOneConnectionAndEachGetsItsOwnAnswer()
    {
        await using var server = await TcpTestServer.StartAsync(new() { ["RequestBurst"] = "100000", ["RequestsPerSecond"] = "100000" });
        server.Dispatcher.Answer = async (_, json, context, cancellationToken) =>
        {
            var seq = JsonDocument.Parse(json).RootElement.GetProperty("seq").GetInt32();
            await Task.Delay(seq % 3 == 0 ? 2 : 0, cancellationToken);
            return TcpReply.Ok(new { seq, connection = context.ConnectionId });
        };
        await using var client = server.CreateClient();

        var calls = Enumerable.Range(0, 1000).Select(seq => client.SendAsync(TcpRequestType.VerifyToken, new { seq }, TestContext.Current.CancellationToken)).ToArray();
        var responses = await Task.WhenAll(calls).Within("1000 answers");

        for (var seq = 0; seq < responses.Length; seq++)
        {
            responses[seq].Status.ShouldBe(TcpStatus.Ok);
            responses[seq].Type.ShouldBe((byte)0x83);
            responses[seq].Payload.GetProperty("seq").GetInt32().ShouldBe(seq);
        }

        responses.Select(r => r.Payload.GetProperty("connection").GetString()).Distinct().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task TypedCallsSendTheDocumentedPayloadsAndReadTheDocumentedAnswers()
    {
        await using var server = await TcpTestServer.StartAsync();
        var profile = new CoreProfile("u1", "ada", "Ada Lovelace", "ada@example.com", null, null, Created, Created.AddHours(1));
        server.Dispatcher.Answer = (type, json, _, _) => ValueTask.FromResult(type switch
        {
            ServerType.Register => TcpReply.Ok(new RegistrationPendingReply("v1", Created)),
            ServerType.Login => TcpReply.Ok(new TokenPairReply("at", "rt", 900)),
            ServerType.VerifyToken => TcpReply.Ok(new TokenStatusReply(true, "u1", 1_800_000_000)),
            ServerType.UpdateUser => TcpReply.Ok(profile with { DisplayName = TcpJson.Deserialize<UpdateUserRequest>(json).DisplayName }),
            ServerType.DeleteUser => TcpReply.Ok(),
            ServerType.VerifyOtp => TcpReply.Ok(new SignUpReply("at2", "rt2", 900, profile)),
            ServerType.RefreshToken => TcpReply.Ok(new TokenPairReply("at3", "rt3", 900)),
            _ => throw new InvalidOperationException(),
        });
        await using var client = server.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        (await client.RegisterAsync("ada", "ada@example.com", "correct horse", ct)).ShouldBe(new RegistrationPending("pending", "v1", Created));
        (await client.LoginAsync("ada", "correct horse", ct)).ShouldBe(new TokenPair("at", "rt", 900));
        var info = await client.VerifyTokenAsync("at", ct);
        info.ShouldBe(new TokenInfo(true, "u1", 1_800_000_000));
        info.ExpiresAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var updated = await client.UpdateUserAsync("at", new ProfileUpdate { DisplayName = "Countess" }, ct);
        updated.ShouldBe(new UserProfile("u1", "ada", "Countess", "ada@example.com", null, null, Created, Created.AddHours(1)));
        await client.DeleteUserAsync("at", "correct horse", ct);
        var signUp = await client.VerifyOtpAsync("ada@example.com", "123456", ct);
        signUp.Tokens.ShouldBe(new TokenPair("at2", "rt2", 900));
        signUp.User.Username.ShouldBe("ada");
        (await client.RefreshTokenAsync("rt", ct)).ShouldBe(new TokenPair("at3", "rt3", 900));

        server.Dispatcher.Requests.Select(r => r.Json).ShouldBe(
        [
            """{"username":"ada","email":"ada@example.com","password":"correct horse"}""",
            """{"login":"ada","password":"correct horse"}""",
            """{"token":"at"}""",
            """{"token":"at","displayName":"Countess"}""",
            """{"token":"at","password":"correct horse"}""",
            """{"email":"ada@example.com","otp":"123456"}""",
            """{"refreshToken":"rt"}""",
        ]);
    }

    [Fact]
    public async Task AnInactiveTokenIsAnAnswerWithoutSubjectOrExpiry()
    {
        await using var server = await TcpTestServer.StartAsync();
        server.Dispatcher.Answer = (_, _, _, _) => ValueTask.FromResult(TcpReply.Ok(TokenStatusReply.From(Accounts.Core.Sessions.TokenStatus.Inactive)));
        await using var client = server.CreateClient();

        (await client.SendAsync(TcpRequestType.VerifyToken, new { token = "x" }, TestContext.Current.CancellationToken)).Payload.GetRawText().ShouldBe("""{"active":false}""");
        (await client.VerifyTokenAsync("x", TestContext.Current.CancellationToken)).ShouldBe(new TokenInfo(false));
    }

    [Fact]
    public async Task PingReturnsTheServerClock()
    {
        var clock = new ManualClock();
        await using var server = await TcpTestServer.StartAsync(time: clock);
        await using var client = server.CreateClient();

        (await client.PingAsync(TestContext.Current.CancellationToken)).ShouldBe(clock.UtcNow);
    }

    [Fact]
    public async Task AnErrorStatusThrowsWithStatusCodeFieldAndRetryAfter()
    {
        await using var server = await TcpTestServer.StartAsync();
        server.Dispatcher.Answer = (type, _, _, _) => ValueTask.FromResult(type == ServerType.Login
            ? TcpReply.FromError(AccountErrors.AccountLocked(TimeSpan.FromMinutes(15)))
            : TcpReply.FromError(AccountErrors.WrongPassword));
        await using var client = server.CreateClient();

        var locked = await Should.ThrowAsync<TcpProtocolException>(() => client.LoginAsync("ada", "x", TestContext.Current.CancellationToken));
        locked.Status.ShouldBe(TcpStatus.Forbidden);
        locked.Code.ShouldBe("account_locked");
        locked.RetryAfter.ShouldBe(TimeSpan.FromMinutes(15));

        var wrong = await Should.ThrowAsync<TcpProtocolException>(() => client.DeleteUserAsync("t", "x", TestContext.Current.CancellationToken));
        wrong.Status.ShouldBe(TcpStatus.Unauthorized);
        wrong.Code.ShouldBe("wrong_password");
        wrong.Field.ShouldBe("password");
        wrong.Message.ShouldBe(AccountErrors.WrongPassword.Message);
    }

    [Fact]
    public async Task SendAsyncReturnsErrorsAsResponses()
    {
        await using var server = await TcpTestServer.StartAsync();
        await using var client = server.CreateClient();

        var response = await client.SendAsync(0x09, new { }, TestContext.Current.CancellationToken);

        response.Type.ShouldBe((byte)0x89);
        response.Status.ShouldBe(TcpStatus.BadRequest);
        response.ErrorCode.ShouldBe(TcpErrorCodes.UnknownType);
        response.ErrorMessage.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task TheClientReconnectsOnTheNextCallAfterTheServerClosedTheConnection()
    {
        await using var server = await TcpTestServer.StartAsync(new() { ["IdleTimeout"] = "00:00:00.200" });
        server.Dispatcher.Answer = (_, _, context, _) => ValueTask.FromResult(TcpReply.Ok(new { connection = context.ConnectionId }));
        await using var client = server.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        var first = (await client.SendAsync(TcpRequestType.VerifyToken, new { token = "t" }, ct)).Payload.GetProperty("connection").GetString();
        client.IsConnected.ShouldBeTrue();
        await Eventually.TrueAsync(() => !client.IsConnected, "the client sees the server close the idle connection");
        var second = (await client.SendAsync(TcpRequestType.VerifyToken, new { token = "t" }, ct)).Payload.GetProperty("connection").GetString();

        second.ShouldNotBe(first);
        client.IsConnected.ShouldBeTrue();
    }

    [Fact]
    public async Task AConnectionIdleLongerThanTheClientsIdleTimeoutIsReplacedBeforeTheServerDropsIt()
    {
        await using var server = await TcpTestServer.StartAsync();
        server.Dispatcher.Answer = (_, _, context, _) => ValueTask.FromResult(TcpReply.Ok(new { connection = context.ConnectionId }));
        await using var client = new AccountsTcpClient(new AccountsTcpClientOptions { Port = server.Port, IdleTimeout = TimeSpan.FromSeconds(1) });
        var ct = TestContext.Current.CancellationToken;

        var first = (await client.SendAsync(TcpRequestType.VerifyToken, new { token = "t" }, ct)).Payload.GetProperty("connection").GetString();
        var reused = (await client.SendAsync(TcpRequestType.VerifyToken, new { token = "t" }, ct)).Payload.GetProperty("connection").GetString();
        await Task.Delay(TimeSpan.FromSeconds(1.2), ct);
        var replaced = (await client.SendAsync(TcpRequestType.VerifyToken, new { token = "t" }, ct)).Payload.GetProperty("connection").GetString();

        reused.ShouldBe(first);
        replaced.ShouldNotBe(first);
        await Eventually.TrueAsync(() => server.Handler.OpenConnections == 1, "the replaced connection is closed");
    }

    [Fact]
    public async Task CallsInFlightWhenTheConnectionDropsFailAsMayHaveExecutedAndTheNextCallReconnects()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var client = new AccountsTcpClient("127.0.0.1", port);
        var ct = TestContext.Current.CancellationToken;

        var call = client.PingAsync(ct);
        using (var peer = await listener.AcceptSocketAsync(ct))
        {
            // Read the request, then hang up without answering.
            await peer.ReceiveAsync(new byte[64], SocketFlags.None, ct);
        }

        var lost = await Should.ThrowAsync<TcpConnectionException>(() => call);
        lost.MayHaveExecuted.ShouldBeTrue();

        var retry = client.PingAsync(ct);
        using var again = await listener.AcceptSocketAsync(ct);
        var request = new byte[5];
        await again.ReceiveAsync(request, SocketFlags.None, ct);
        request.ShouldBe(new byte[] { 0, 0, 0, 1, 0x08 });
        byte[] pong = [0, 0, 0, 15, 0x88, 0x00, .. """{"pong":1000}"""u8];
        await again.SendAsync(pong, SocketFlags.None, ct);
        (await retry.Within("the answer on the new connection")).ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(1000));
    }

    [Fact]
    public async Task ACancelledCallDoesNotDisturbTheAnswersOfTheOthers()
    {
        await using var server = await TcpTestServer.StartAsync();
        server.Dispatcher.Answer = async (_, json, _, _) =>
        {
            var seq = JsonDocument.Parse(json).RootElement.GetProperty("seq").GetInt32();
            await Task.Delay(seq == 0 ? 300 : 0, CancellationToken.None);
            return TcpReply.Ok(new { seq });
        };
        await using var client = server.CreateClient();
        using var cancel = new CancellationTokenSource();

        var slow = client.SendAsync(TcpRequestType.VerifyToken, new { seq = 0 }, cancel.Token);
        var others = Enumerable.Range(1, 5).Select(seq => client.SendAsync(TcpRequestType.VerifyToken, new { seq }, TestContext.Current.CancellationToken)).ToArray();
        await Task.Delay(50, TestContext.Current.CancellationToken);
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => slow);
        var answers = await Task.WhenAll(others).Within("the other answers");
        answers.Select(a => a.Payload.GetProperty("seq").GetInt32()).ShouldBe([1, 2, 3, 4, 5]);
        (await client.SendAsync(TcpRequestType.VerifyToken, new { seq = 6 }, TestContext.Current.CancellationToken)).Payload.GetProperty("seq").GetInt32().ShouldBe(6);
    }

    [Fact]
    public async Task ARequestOverTheLimitThrowsBeforeAnythingIsSent()
    {
        await using var server = await TcpTestServer.StartAsync();
        await using var client = new AccountsTcpClient(new AccountsTcpClientOptions { Port = server.Port, MaxRequestBytes = 1024 });

        await Should.ThrowAsync<ArgumentException>(() => client.SendAsync(TcpRequestType.UpdateUser, new { token = "t", image = new string('A', 2000) }, TestContext.Current.CancellationToken));

        (await client.PingAsync(TestContext.Current.CancellationToken)).ShouldNotBe(default);
        server.Dispatcher.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task ConnectingToAPortWithNoServerFailsAsNotSent()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using var client = new AccountsTcpClient("127.0.0.1", port);

        var failure = await Should.ThrowAsync<TcpConnectionException>(() => client.PingAsync(TestContext.Current.CancellationToken));
        failure.MayHaveExecuted.ShouldBeFalse();
    }

    [Fact]
    public async Task AConnectionRefusedForCapacityIsReportedWithItsCode()
    {
        await using var server = await TcpTestServer.StartAsync(new() { ["MaxConnections"] = "1" });
        await using var first = server.CreateClient();
        await first.PingAsync(TestContext.Current.CancellationToken);
        await using var second = server.CreateClient();

        var response = await second.SendAsync(TcpRequestType.Ping, null, TestContext.Current.CancellationToken);

        response.Type.ShouldBe((byte)0x80);
        response.Status.ShouldBe(TcpStatus.Unavailable);
        response.ErrorCode.ShouldBe(TcpErrorCodes.TooManyConnections);
    }

    [Fact]
    public void TheClientAndServerShareTheStatusAndTypeValues()
    {
        Enum.GetNames<TcpStatus>().ShouldBe(Enum.GetNames<ServerStatus>());
        Enum.GetValues<TcpStatus>().Select(v => (byte)v).ShouldBe(Enum.GetValues<ServerStatus>().Select(v => (byte)v));
        Enum.GetValues<TcpRequestType>().Select(v => (byte)v).ShouldBe(Enum.GetValues<ServerType>().Select(v => (byte)v));
    }
}
