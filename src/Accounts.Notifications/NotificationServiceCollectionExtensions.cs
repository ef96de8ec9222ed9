using Accounts.Core.Security;
using Accounts.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Accounts.Notifications;

public static class NotificationServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="NotificationOptions"/> (bound from <c>Accounts:Notifications</c>, validated at start),
    /// <see cref="IOutcomePublisher"/>, the feed — as <see cref="IOutcomeFeed"/> and, among the
    /// <see cref="IOutcomeSink"/>s, as one sink (others, such as the Socket.IO bridge, add theirs with
    /// <c>TryAddEnumerable</c>) — and <see cref="IJobTickets"/>.
    /// </summary>
    /// <param name="redisKeyPrefix">
    /// Read when the feed and tickets are first resolved: the key prefix to use in Redis (the container's
    /// <see cref="IRedisClient"/>, shared by every process), or null to keep everything in this process, which suits
    /// a service that runs as one process only. The container must also provide <see cref="IFieldProtector"/>.
    /// </param>
    public static IServiceCollection AddAccountsNotifications(this IServiceCollection services, Func<IServiceProvider, string?> redisKeyPrefix)
    {
        ArgumentNullException.ThrowIfNull(redisKeyPrefix);
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<IOutcomePublisher, OutcomePublisher>();
        services.TryAddSingleton<OutcomeFeed>(sp =>
        {
            var options = Options(sp);
            var time = sp.GetRequiredService<TimeProvider>();
            return redisKeyPrefix(sp) is { } prefix
                ? new RedisOutcomeFeed(sp.GetRequiredService<IRedisClient>(), prefix, sp.GetRequiredService<IFieldProtector>(), options, time, sp.GetRequiredService<ILogger<RedisOutcomeFeed>>())
                : new InMemoryOutcomeFeed(options, time, sp.GetRequiredService<ILogger<InMemoryOutcomeFeed>>());
        });
        services.TryAddSingleton<IOutcomeFeed>(sp => sp.GetRequiredService<OutcomeFeed>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutcomeSink, OutcomeFeed>(sp => sp.GetRequiredService<OutcomeFeed>()));
        services.TryAddSingleton<IJobTickets>(sp => redisKeyPrefix(sp) is { } prefix
            ? new RedisJobTickets(sp.GetRequiredService<IRedisClient>(), prefix, sp.GetRequiredService<IFieldProtector>(), Options(sp), sp.GetRequiredService<ILogger<RedisJobTickets>>())
            : new InMemoryJobTickets(Options(sp), sp.GetRequiredService<TimeProvider>()));
        return services;

        static NotificationOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<NotificationOptions>>().Value;
    }
}

/// <summary>Turns <see cref="NotificationOptions.Validate"/>'s complaint into a message that names the setting.</summary>
internal sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            var requirement = ex.ParamName is { } parameter ? ex.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal) : ex.Message;
            return ValidateOptionsResult.Fail($"{NotificationOptions.Section}:{ex.ParamName} {requirement}");
        }
    }
}
