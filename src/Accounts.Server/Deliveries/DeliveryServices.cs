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

        if (!string.IsNullOrWhiteSpace(configuration["Accounts:Kafka:BootstrapServers"]))
        {
            // The topic Verification: the publisher for the relay, the consumer (group verification-group) that hands
            // each message to the handler above, and the topics created at start.
            services.AddKafkaBus(configuration);
        }
        else
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
