using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Accounts.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="RedisClient"/> per container, as <see cref="IRedisClient"/> too, made from
    /// <paramref name="options"/> on first use and disposed with the container. It takes the container's
    /// <see cref="ILoggerFactory"/> and <see cref="TimeProvider"/> when there are any.
    /// </summary>
    public static IServiceCollection AddAccountsRedis(this IServiceCollection services, Func<IServiceProvider, RedisOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(sp => new RedisClient(options(sp), sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
        services.AddSingleton<IRedisClient>(sp => sp.GetRequiredService<RedisClient>());
        return services;
    }

    /// <summary>
    /// Registers the client for a configuration string such as <c>127.0.0.1:6379</c> (see <see cref="RedisOptions.Parse"/>),
    /// read now, so that a malformed setting fails at start-up.
    /// </summary>
    /// <param name="settingName">The setting the string came from (e.g. <c>Accounts:Redis</c>), named in the error.</param>
    /// <exception cref="FormatException">The string is malformed.</exception>
    public static IServiceCollection AddAccountsRedis(this IServiceCollection services, string configuration, string settingName = "Accounts:Redis")
    {
        RedisOptions options;
        try
        {
            options = RedisOptions.Parse(configuration);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new FormatException($"The setting {settingName} is invalid: {ex.Message}", ex);
        }

        return services.AddAccountsRedis(_ => options);
    }
}
