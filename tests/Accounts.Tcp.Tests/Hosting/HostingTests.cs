using System.Net;
using System.Net.Sockets;
using Accounts.Tcp.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Accounts.Tcp.Tests.Hosting;

/// <summary>How the host wires the door: registration, settings and a Kestrel that serves HTTP and TCP together.</summary>
public sealed class HostingTests
{
    [Fact]
    public async Task HttpAndTheTcpDoorAreServedByOneKestrel()
    {
        var tcpPort = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        var logs = new TestLogs();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [WebHostDefaults.ServerUrlsKey] = "http://127.0.0.1:0",
            ["Accounts:Tcp:Port"] = tcpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        // The recipe of src/Accounts.Tcp/README.md: every endpoint bound in code, the URLs setting emptied so that
        // Kestrel neither ignores the HTTP URLs nor warns that it overrides them.
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey]!;
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, string.Empty);
        builder.Services.AddAccountsTcp<ScriptedDispatcher>();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<TcpOptions>>((kestrel, tcp) =>
        {
            kestrel.ListenUrls(urls);
            kestrel.ListenAccountsTcp(tcp.Value);
        });
        await using var app = builder.Build();
        app.MapGet("/hello", () => "hello");
        await app.StartAsync(TestContext.Current.CancellationToken);

        var httpAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Single(a => !a.EndsWith($":{tcpPort}", StringComparison.Ordinal));
        using var http = new HttpClient();
        (await http.GetStringAsync(new Uri(httpAddress + "/hello"), TestContext.Current.CancellationToken)).ShouldBe("hello");
        await using var client = new Accounts.Tcp.Client.AccountsTcpClient("127.0.0.1", tcpPort);
        (await client.PingAsync(TestContext.Current.CancellationToken)).ShouldNotBe(default);
        await app.StopAsync(TestContext.Current.CancellationToken);
        logs.Entries.ShouldNotContain(e => e.Level >= LogLevel.Warning, string.Join('\n', logs.Entries));
    }

    [Fact]
    public void PortZeroListensOnNothing()
    {
        var kestrel = new KestrelServerOptions();

        kestrel.ListenAccountsTcp(new TcpOptions { Port = 0 }).ShouldBeNull();
    }

    [Fact]
    public void TheDoorListensOnLoopbackPort3001ByDefault()
    {
        var options = new TcpOptions();

        options.EndPoint.ShouldBe(new IPEndPoint(IPAddress.Loopback, 3001));
        options.Validate().ShouldBeNull();
    }

    [Fact]
    public async Task ABadSettingStopsTheHostWithAMessageNamingIt()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Accounts:Tcp:MaxFrameBytes"] = "10" });
        builder.Services.AddAccountsTcp<ScriptedDispatcher>();
        await using var app = builder.Build();

        var failure = await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        failure.Message.ShouldContain("Accounts:Tcp:MaxFrameBytes");
    }

    [Theory]
    [InlineData("Address", "localhost", "Accounts:Tcp:Address")]
    [InlineData("Port", "-1", "Accounts:Tcp:Port")]
    [InlineData("Port", "65536", "Accounts:Tcp:Port")]
    [InlineData("MaxFrameBytes", "1023", "Accounts:Tcp:MaxFrameBytes")]
    [InlineData("MaxFrameBytes", "16777217", "Accounts:Tcp:MaxFrameBytes")]
    [InlineData("IdleTimeout", "00:00:00", "Accounts:Tcp:IdleTimeout")]
    [InlineData("IdleTimeout", "2.00:00:00", "Accounts:Tcp:IdleTimeout")]
    [InlineData("MaxConnections", "0", "Accounts:Tcp:MaxConnections")]
    [InlineData("RequestsPerSecond", "0", "Accounts:Tcp:RequestsPerSecond")]
    [InlineData("RequestBurst", "0", "Accounts:Tcp:RequestBurst")]
    [InlineData("MaxConcurrentRequestsPerConnection", "0", "Accounts:Tcp:MaxConcurrentRequestsPerConnection")]
    [InlineData("MaxConcurrentRequestsPerConnection", "1025", "Accounts:Tcp:MaxConcurrentRequestsPerConnection")]
    public void EachSettingOutOfRangeIsNamed(string setting, string value, string named)
    {
        var options = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [setting] = value })
            .Build()
            .Get<TcpOptions>()!;

        options.Validate().ShouldNotBeNull().ShouldStartWith(named + " ");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("65535")]
    public void PortsInRangeAreValid(string port)
    {
        var options = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Port"] = port })
            .Build()
            .Get<TcpOptions>()!;

        options.Validate().ShouldBeNull();
        options.Enabled.ShouldBe(port != "0");
    }

    [Theory]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://localhost:5000")]
    [InlineData("http://*:5000;http://[::1]:5001")]
    public void ListenUrlsBindsEachUrlWithoutThrowing(string urls)
    {
        var kestrel = new KestrelServerOptions();
        kestrel.ApplicationServices = new ServiceCollection().AddLogging().BuildServiceProvider();

        Should.NotThrow(() => kestrel.ListenUrls(urls));
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:21")]
    [InlineData("http://127.0.0.1:80/base")]
    public void ListenUrlsRefusesWhatItCannotBind(string url)
    {
        var kestrel = new KestrelServerOptions();

        Should.Throw<InvalidOperationException>(() => kestrel.ListenUrls(url));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
