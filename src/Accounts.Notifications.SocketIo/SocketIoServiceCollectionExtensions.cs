using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Accounts.Notifications.SocketIo;

public static class SocketIoServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="SocketIoBridge"/> when <c>Accounts:Notifications:SocketIo:Url</c> is set, and nothing
    /// otherwise: <see cref="SocketIoOptions"/> bound from that section and validated at start (a bad setting stops
    /// the process with a message naming it), the bridge as a singleton, as one more <see cref="IOutcomeSink"/>
    /// next to the others, and as a hosted service that connects in the background. Calling it twice registers once.
    /// </summary>
    public static IServiceCollection AddSocketIoBridge(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SocketIoOptions.Section);
        if (string.IsNullOrWhiteSpace(section[nameof(SocketIoOptions.Url)]))
        {
            return services;
        }

        if (services.Any(service => service.ServiceType == typeof(SocketIoBridge)))
        {
            return services;
        }

        services.AddOptions<SocketIoOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SocketIoOptions>, SocketIoOptionsValidator>());
        services.AddSingleton(sp => new SocketIoBridge(
            sp.GetRequiredService<IOptions<SocketIoOptions>>().Value,
            sp.GetService<ILoggerFactory>()?.CreateLogger<SocketIoBridge>(),
            sp.GetService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutcomeSink, SocketIoBridge>(sp => sp.GetRequiredService<SocketIoBridge>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SocketIoBridge>(sp => sp.GetRequiredService<SocketIoBridge>()));
        return services;
    }

    private sealed class SocketIoOptionsValidator : IValidateOptions<SocketIoOptions>
    {
        public ValidateOptionsResult Validate(string? name, SocketIoOptions options) =>
            options.Validate() is { } failure ? ValidateOptionsResult.Fail(failure) : ValidateOptionsResult.Success;
    }
}
