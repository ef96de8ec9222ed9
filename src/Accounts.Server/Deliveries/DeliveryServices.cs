using Accounts.Bus.Kafka;
using Accounts.Core.Security;
using Accounts.Core.Verification;
using Accounts.Storage;

namespace Accounts.Server.Deliveries;

/// <summary>
/// Code delivery: the outbox of code requests (in the database), the relay that publishes it, the bus (Kafka when
/// <c>Accounts:Kafka:BootstrapServers</c> is set, this process otherwise) and the handler that sends each code.
/// </summary>
internal static class DeliveryServices
{
    public static IServiceCollection AddCodeDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<CodeRequestSignal>();
        services.AddSingleton<ICodeRequestOutbox>(sp => new SignalingOutbox(
            sp.GetRequiredService<AccountStorage>().CodeRequests(sp.GetRequiredService<IFieldProtector>()),
            sp.GetRequiredService<CodeRequestSignal>()));
        services.AddSingleton<DeliverVerificationCode>();
        services.AddSingleton<ICodeRequestHandler, CodeRequestHandler>();

        // Kafka's topic Verification when Accounts:Kafka:BootstrapServers is set (the publisher for the relay, the
        // consumer of group verification-group that hands each message to the handler above, the topics created at
        // start); AddKafkaBus registers nothing otherwise, and this process's queue is the bus.
        services.AddKafkaBus(configuration);
        if (!services.Any(service => service.ServiceType == typeof(ICodeRequestPublisher)))
        {
            services.AddSingleton<InProcessCodeBus>();
            services.AddSingleton<ICodeRequestPublisher>(sp => sp.GetRequiredService<InProcessCodeBus>());
            services.AddHostedService(sp => sp.GetRequiredService<InProcessCodeBus>());
        }

        services.AddSingleton<CodeRequestRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<CodeRequestRelay>());
        return services;
    }
}
