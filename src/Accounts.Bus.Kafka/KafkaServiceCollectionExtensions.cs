using Accounts.Core.Verification;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Accounts.Bus.Kafka;

public static class KafkaServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Kafka bus when <c>Accounts:Kafka:BootstrapServers</c> is set, and nothing otherwise:
    /// <see cref="KafkaOptions"/> bound from <c>Accounts:Kafka</c> and validated at start (a bad setting stops the
    /// process with a message naming it); the publisher as <see cref="ICodeRequestPublisher"/> (added after any earlier
    /// registration, so it is the one resolved); and two hosted services that start in the background without waiting
    /// for a broker: one creates the topics if missing, the other consumes the topic and hands each message to the
    /// <see cref="ICodeRequestHandler"/> the host registers. Calling it twice registers once.
    /// </summary>
    public static IServiceCollection AddKafkaBus(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(KafkaOptions.Section);
        if (string.IsNullOrWhiteSpace(section[nameof(KafkaOptions.BootstrapServers)]))
        {
            return services;
        }

        if (services.Any(service => service.ServiceType == typeof(KafkaProducer)))
        {
            return services;
        }

        services.AddOptions<KafkaOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<KafkaProducer>();
        services.AddSingleton<KafkaCodeRequestPublisher>();
        services.AddSingleton<ICodeRequestPublisher>(sp => sp.GetRequiredService<KafkaCodeRequestPublisher>());
        services.AddSingleton<KafkaTopicInitializer>();
        services.AddSingleton(sp => new KafkaCodeRequestConsumer(
            sp.GetRequiredService<IOptions<KafkaOptions>>(),
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<KafkaProducer>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<KafkaCodeRequestConsumer>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<KafkaTopicInitializer>()));
        // Topics first: the consumer waits for them, and hosted services start in registration order.
        services.AddHostedService(sp => sp.GetRequiredService<KafkaTopicInitializer>());
        services.AddHostedService(sp => sp.GetRequiredService<KafkaCodeRequestConsumer>());
        return services;
    }

    private sealed class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
    {
        public ValidateOptionsResult Validate(string? name, KafkaOptions options) =>
            options.Validate() is { } failure ? ValidateOptionsResult.Fail(failure) : ValidateOptionsResult.Success;
    }
}
