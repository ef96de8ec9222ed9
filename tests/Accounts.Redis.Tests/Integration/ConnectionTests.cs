using System.Net.Sockets;
using Accounts.Redis.Tests.Support;

namespace Accounts.Redis.Tests.Integration;

/// <summary>Connection set-up and loss against the shared server (restarts are in <see cref="RestartTests"/>).</summary>
public sealed class ConnectionTests
{
    private readonly string _prefix = TestServers.UniquePrefix("connection");

    [Fact]
    public async Task ReplacesTheConnectionWhenTheServerDropsItAndCarriesOn()
    {
        await using var client = await TestServers.ConnectSharedAsync(options => options.ClientName = "accounts-tests-killed");
        var key = _prefix + "after-kill";
        var id = (await client.ExecuteAsync("CLIENT", "ID")).AsInt64();

        // Another connection kills ours, as an operator or a proxy might.
        await using (var other = await TestServers.ConnectSharedAsync())
        {
            (await other.ExecuteAsync("CLIENT", "KILL", "ID", id)).AsInt64().ShouldBe(1);
        }

        var value = await Eventually.SucceedsAsync(async () =>
        {
            await client.SetAsync(key, "back");
            return await client.GetAsync(key);
        });
        value.ShouldBe("back");
        (await client.ExecuteAsync("CLIENT", "ID")).AsInt64().ShouldNotBe(id);
    }

    [Fact]
    public async Task ConnectingToAClosedPortFailsAfterTheCommandTimeout()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = RedisOptions.Parse($"127.0.0.1:{port},commandTimeout=300,reconnectBaseDelay=50,reconnectMaxDelay=100");

        var error = await Should.ThrowAsync<RedisConnectionException>(() => RedisClient.ConnectAsync(options));

        error.MayHaveExecuted.ShouldBeFalse();
        error.Message.ShouldContain("was not sent");
        error.InnerException.ShouldBeAssignableTo<SocketException>();
    }
}
