using Accounts.Notifications.SocketIo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Accounts.Notifications.Tests.SocketIo;

public sealed class ServiceCollectionTests
{
    [Fact]
    public void RegistersNothingWithoutAUrl()
    {
        var services = new ServiceCollection();

        services.AddSocketIoBridge(Configuration(("Accounts:Notifications:SocketIo:MaxBuffered", "5")));

        services.ShouldBeEmpty();
    }

    [Fact]
    public async Task RegistersOneBridgeAsASinkNextToTheOthersAndAsAHostedService()
    {
        var services = new ServiceCollection().AddSingleton<IOutcomeSink, OtherSink>();
        var configuration = Configuration(("Accounts:Notifications:SocketIo:Url", "http://127.0.0.1:9"));

        services.AddSocketIoBridge(configuration).AddSocketIoBridge(configuration);

        await using var provider = services.BuildServiceProvider();
        var bridge = provider.GetRequiredService<SocketIoBridge>();
        var sinks = provider.GetServices<IOutcomeSink>().ToList();
        sinks.Count.ShouldBe(2);
        sinks.ShouldContain(sink => sink is OtherSink);
        sinks.ShouldContain(sink => ReferenceEquals(sink, bridge));
        provider.GetServices<IHostedService>().ShouldHaveSingleItem().ShouldBeSameAs(bridge);
    }

    [Fact]
    public async Task BindsEverySettingFromTheSection()
    {
        var configuration = Configuration(
            ("Accounts:Notifications:SocketIo:Url", "https://messages.example.com"),
            ("Accounts:Notifications:SocketIo:Path", "/realtime/"),
            ("Accounts:Notifications:SocketIo:ReconnectDelay", "00:00:02"),
            ("Accounts:Notifications:SocketIo:MaxReconnectDelay", "00:00:20"),
            ("Accounts:Notifications:SocketIo:ConnectTimeout", "00:00:03"),
            ("Accounts:Notifications:SocketIo:MaxBuffered", "5"),
            ("Accounts:Notifications:SocketIo:AuthToken", "t0ken"));

        await using var provider = new ServiceCollection().AddSocketIoBridge(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<SocketIoOptions>>().Value;
        options.Url.ShouldBe("https://messages.example.com");
        options.Path.ShouldBe("/realtime/");
        options.ReconnectDelay.ShouldBe(TimeSpan.FromSeconds(2));
        options.MaxReconnectDelay.ShouldBe(TimeSpan.FromSeconds(20));
        options.ConnectTimeout.ShouldBe(TimeSpan.FromSeconds(3));
        options.MaxBuffered.ShouldBe(5);
        options.AuthToken.ShouldBe("t0ken");
    }

    [Fact]
    public async Task StartFailsNamingTheSettingWhenTheUrlIsInvalid()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([new("Accounts:Notifications:SocketIo:Url", "ftp://messages.example.com")]);
        builder.Services.AddSocketIoBridge(builder.Configuration);
        using var host = builder.Build();

        var error = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        error.Message.ShouldStartWith("Accounts:Notifications:SocketIo:Url:");
    }

    [Fact]
    public async Task TheHostStartsWhileTheServerIsUnreachableAndTheBridgeKeepsOutcomes()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        // Port 9 (discard) on loopback: nothing listens there in a test environment, so every attempt fails.
        builder.Configuration.AddInMemoryCollection([new("Accounts:Notifications:SocketIo:Url", "http://127.0.0.1:9")]);
        builder.Services.AddSocketIoBridge(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken).WaitAsync(Support.Eventually.Bound, TestContext.Current.CancellationToken);

        var bridge = host.Services.GetRequiredService<SocketIoBridge>();
        await bridge.PublishAsync(new Outcome("u1", "Verification", "1", true, null, DateTimeOffset.UnixEpoch), TestContext.Current.CancellationToken);
        bridge.IsConnected.ShouldBeFalse();
        bridge.Pending.ShouldBe(1);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    private sealed class OtherSink : IOutcomeSink
    {
        public Task PublishAsync(Outcome outcome, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
