using System.Collections.Concurrent;
using System.Globalization;
using Accounts.Core.Verification;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Accounts.Bus.Kafka.Tests.Support;

/// <summary>
/// A host as the server builds it: configuration section <c>Accounts:Kafka</c>, <see cref="KafkaServiceCollectionExtensions.AddKafkaBus"/>
/// and a handler, started for real. Logs are kept (tests check what they never contain) and echoed to the test output.
/// </summary>
internal sealed class TestBus : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestBus(IHost host, RecordingHandler handler, ConcurrentQueue<string> logs)
    {
        _host = host;
        Handler = handler;
        Logs = logs;
    }

    public RecordingHandler Handler { get; }

    public ConcurrentQueue<string> Logs { get; }

    public IServiceProvider Services => _host.Services;

    public ICodeRequestPublisher Publisher => Services.GetRequiredService<ICodeRequestPublisher>();

    internal KafkaCodeRequestConsumer Consumer => Services.GetRequiredService<KafkaCodeRequestConsumer>();

    internal KafkaTopicInitializer Topics => Services.GetRequiredService<KafkaTopicInitializer>();

    public static IHost Build(KafkaOptions options, RecordingHandler handler, ConcurrentQueue<string> logs)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(Settings(options));
        builder.Logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new KeepingLoggerProvider(logs, TestContext.Current.TestOutputHelper));
        builder.Services.AddSingleton<ICodeRequestHandler>(handler);
        builder.Services.AddKafkaBus(builder.Configuration);
        return builder.Build();
    }

    /// <summary>Starts a host for <paramref name="options"/>; a fresh handler unless one is given (a second consumer of a test's group).</summary>
    public static async Task<TestBus> StartAsync(KafkaOptions options, RecordingHandler? handler = null)
    {
        var logs = new ConcurrentQueue<string>();
        handler ??= new RecordingHandler();
        var host = Build(options, handler, logs);
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new TestBus(host, handler, logs);
    }

    /// <summary>Starts the host and waits until the topics exist and the group has assigned partitions to the consumer.</summary>
    public static async Task<TestBus> StartConsumingAsync(KafkaOptions options, RecordingHandler? handler = null)
    {
        var bus = await StartAsync(options, handler);
        await bus.Consumer.Assigned.Within("the group to assign partitions to the consumer");
        return bus;
    }

    /// <summary>Stops the host; <paramref name="giveUp"/> is the host's stop timeout running out.</summary>
    public async Task StopAsync(CancellationToken giveUp = default)
    {
        _stopped = true;
        await _host.StopAsync(giveUp);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await _host.StopAsync(CancellationToken.None);
        }

        _host.Dispose();
    }

    public static Dictionary<string, string?> Settings(KafkaOptions options)
    {
        const string section = KafkaOptions.Section;
        return new Dictionary<string, string?>
        {
            [$"{section}:BootstrapServers"] = options.BootstrapServers,
            [$"{section}:Topic"] = options.Topic,
            [$"{section}:DeadLetterTopic"] = options.DeadLetterTopic,
            [$"{section}:GroupId"] = options.GroupId,
            [$"{section}:Partitions"] = options.Partitions.ToString(CultureInfo.InvariantCulture),
            [$"{section}:ReplicationFactor"] = options.ReplicationFactor.ToString(CultureInfo.InvariantCulture),
            [$"{section}:PublishTimeout"] = options.PublishTimeout.ToString("c"),
            [$"{section}:AdminTimeout"] = options.AdminTimeout.ToString("c"),
            [$"{section}:SessionTimeout"] = options.SessionTimeout.ToString("c"),
            [$"{section}:HeartbeatInterval"] = options.HeartbeatInterval.ToString("c"),
            [$"{section}:RetryBaseDelay"] = options.RetryBaseDelay.ToString("c"),
            [$"{section}:RetryMaxDelay"] = options.RetryMaxDelay.ToString("c"),
        };
    }

    private sealed class KeepingLoggerProvider(ConcurrentQueue<string> logs, ITestOutputHelper? output) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new KeepingLogger(categoryName, logs, output);

        public void Dispose()
        {
        }
    }

    private sealed class KeepingLogger(string category, ConcurrentQueue<string> logs, ITestOutputHelper? output) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}[{eventId.Id}] {formatter(state, exception)}{(exception is null ? "" : " | " + exception)}";
            logs.Enqueue(line);
            try
            {
                output?.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // The test has ended; the background services may still log while they stop.
            }
        }
    }
}
