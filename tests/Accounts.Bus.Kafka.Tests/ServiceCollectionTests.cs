using System.Collections.Concurrent;
using Accounts.Bus.Kafka.Tests.Support;
using Accounts.Core.Verification;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Accounts.Bus.Kafka.Tests;

public sealed class ServiceCollectionTests
{
    [Fact]
    public void RegistersNothingWithoutBootstrapServers()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Accounts:Kafka:Topic"] = "Other" })
            .Build();

        var services = new ServiceCollection().AddKafkaBus(configuration);

        services.ShouldBeEmpty();
    }

    [Fact]
    public void RegistersThePublisherTheTopicsAndTheConsumerOnce()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(TestBus.Settings(TestBroker.Options("127.0.0.1:9", "registration")))
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<ICodeRequestPublisher>(new NoPublisher());

        services.AddKafkaBus(configuration).AddKafkaBus(configuration);

        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<ICodeRequestPublisher>().ShouldBeOfType<KafkaCodeRequestPublisher>();
        var hosted = provider.GetServices<IHostedService>().ToList();
        hosted.Count.ShouldBe(2);
        hosted[0].ShouldBeOfType<KafkaTopicInitializer>();
        hosted[1].ShouldBeOfType<KafkaCodeRequestConsumer>();
    }

    [Fact]
    public async Task ABadSettingStopsTheStartNamingIt()
    {
        var options = TestBroker.Options("127.0.0.1:9", "bad-setting", o => o.DeadLetterTopic = o.Topic);
        using var host = TestBus.Build(options, new RecordingHandler(), new ConcurrentQueue<string>());

        var error = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        error.Message.ShouldStartWith("Accounts:Kafka:DeadLetterTopic:");
    }

    [Fact]
    public async Task AMissingHandlerStopsTheStart()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(TestBus.Settings(TestBroker.Options("127.0.0.1:9", "no-handler")))
            .Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddKafkaBus(configuration);
        using var host = builder.Build();

        var error = await Should.ThrowAsync<InvalidOperationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        error.Message.ShouldContain(nameof(ICodeRequestHandler));
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    private sealed class NoPublisher : ICodeRequestPublisher
    {
        public Task PublishAsync(CodeRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
