using System.Text.Json;
using Accounts.Tcp.Tests.Support;

namespace Accounts.Tcp.Tests.Hosting;

/// <summary>The handler over in-memory duplex pipes: exact control of how bytes arrive and when work completes.</summary>
public sealed class InMemoryConnectionTests
{
    [Fact]
    public async Task AFrameArrivingInOneReadPerByteIsAnsweredOnce()
    {
        var dispatcher = new ScriptedDispatcher();
        await using var connection = new PipeConnection(dispatcher);
        var frame = RawConnection.Frame((byte)TcpRequestType.Login, """{"login":"ada","password":"correct horse"}""");

        foreach (var b in frame)
        {
            await connection.SendAsync(new[] { b });
        }

        var response = await connection.ReadFrameAsync();
        response.ShouldNotBeNull().ShouldBeOk(TcpRequestType.Login);
        dispatcher.Requests.ShouldHaveSingleItem().Json.ShouldBe("""{"login":"ada","password":"correct horse"}""");
    }

    [Fact]
    public async Task NoMoreRequestsStartThanTheConcurrencyLimitAndAnswersKeepTheirOrder()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new ScriptedDispatcher();
        dispatcher.Answer = async (_, json, _, _) =>
        {
            var seq = JsonDocument.Parse(json).RootElement.GetProperty("seq").GetInt32();
            if (seq < 2)
            {
                await release.Task;
            }

            return TcpReply.Ok(new { seq });
        };
        await using var connection = new PipeConnection(dispatcher, new TcpOptions { MaxConcurrentRequestsPerConnection = 2 });

        await connection.SendAsync(Enumerable.Range(0, 6).SelectMany(seq => RawConnection.Frame((byte)TcpRequestType.VerifyToken, $$"""{"seq":{{seq}}}""")).ToArray());
        await Eventually.TrueAsync(() => dispatcher.Requests.Count == 2, "two requests start");
        await Task.Delay(100, TestContext.Current.CancellationToken);

        dispatcher.Requests.Count.ShouldBe(2, "the third waits until an answer is written");
        release.SetResult();
        for (var seq = 0; seq < 6; seq++)
        {
            var response = await connection.ReadFrameAsync();
            response.ShouldNotBeNull().Json().GetProperty("seq").GetInt32().ShouldBe(seq);
        }
    }

    [Fact]
    public async Task TheHandlerEndsWhenThePeerClosesMidFrame()
    {
        await using var connection = new PipeConnection(new ScriptedDispatcher());

        await connection.SendAsync(RawConnection.Frame((byte)TcpRequestType.Login, """{"login":"ada"}""")[..7]);
        await connection.CloseAsync();

        await connection.Running.Within("the handler to end");
        (await connection.ReadFrameAsync()).ShouldBeNull();
        connection.Handler.OpenConnections.ShouldBe(0);
    }
}
