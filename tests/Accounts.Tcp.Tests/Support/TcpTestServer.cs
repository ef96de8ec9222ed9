using System.Net;
using Accounts.Tcp.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Accounts.Tcp.Tests.Support;

/// <summary>
/// A real Kestrel server on 127.0.0.1 and a free port, serving the TCP door with <see cref="ScriptedDispatcher"/>
/// and registered as the host will: <see cref="TcpServiceCollectionExtensions.AddAccountsTcp"/> with the settings
/// given as configuration.
/// </summary>
internal sealed class TcpTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TcpTestServer(WebApplication app, int port, TestLogs logs, ScriptedDispatcher dispatcher)
    {
        _app = app;
        Port = port;
        Logs = logs;
        Dispatcher = dispatcher;
        Handler = app.Services.GetRequiredService<AccountsConnectionHandler>();
    }

    public int Port { get; }

    public TestLogs Logs { get; }

    public ScriptedDispatcher Dispatcher { get; }

    public AccountsConnectionHandler Handler { get; }

    public static async Task<TcpTestServer> StartAsync(Dictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings?.ToDictionary(s => $"{TcpOptions.Section}:{s.Key}", s => s.Value) ?? []);
        var logs = new TestLogs();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        var dispatcher = new ScriptedDispatcher();
        builder.Services.AddSingleton<ITcpRequestDispatcher>(dispatcher);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddAccountsTcp<ScriptedDispatcher>();
        ListenOptions? listen = null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, o =>
        {
            o.UseAccountsTcp();
            listen = o;
        }));
        var app = builder.Build();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TcpTestServer(app, ((IPEndPoint)listen!.EndPoint).Port, logs, dispatcher);
    }

    public Task<RawConnection> ConnectRawAsync() => RawConnection.ConnectAsync(Port);

    public AccountsTcpClient CreateClient() => new("127.0.0.1", Port);

    /// <summary>Stops the server: open connections are asked to close, as on a graceful shutdown.</summary>
    public Task StopAsync() => _app.StopAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
