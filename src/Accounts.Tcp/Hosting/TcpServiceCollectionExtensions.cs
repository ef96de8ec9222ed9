using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Accounts.Tcp;

public static class TcpServiceCollectionExtensions
{
    /// <summary>
    /// Registers the TCP door: <see cref="TcpOptions"/> bound to <c>Accounts:Tcp</c> and validated at start (a bad
    /// setting stops the process with a message naming it), <typeparamref name="TDispatcher"/> as the
    /// <see cref="ITcpRequestDispatcher"/>, and <see cref="AccountsConnectionHandler"/>, all singletons. Listening is
    /// separate: <see cref="TcpKestrelExtensions.ListenAccountsTcp"/>.
    /// </summary>
    public static IServiceCollection AddAccountsTcp<TDispatcher>(this IServiceCollection services)
        where TDispatcher : class, ITcpRequestDispatcher
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<TcpOptions>().BindConfiguration(TcpOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TcpOptions>, TcpOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITcpRequestDispatcher, TDispatcher>();
        services.TryAddSingleton<AccountsConnectionHandler>();
        return services;
    }

    private sealed class TcpOptionsValidator : IValidateOptions<TcpOptions>
    {
        public ValidateOptionsResult Validate(string? name, TcpOptions options) =>
            options.Validate() is { } failure ? ValidateOptionsResult.Fail(failure) : ValidateOptionsResult.Success;
    }
}
