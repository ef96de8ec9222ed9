using System.Text.Json.Nodes;
using Accounts.Queues.Bull;
using Accounts.Queues.Hosting;
using Accounts.Queues.InProcess;
using Accounts.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Accounts.Queues;

public static class QueueServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IJobQueue"/> as Bull queues on the container's <see cref="IRedisClient"/> (register it with
    /// <c>AddAccountsRedis</c>). <see cref="BullQueueOptions"/> (the key prefix) is validated at start.
    /// </summary>
    public static IServiceCollection AddBullJobQueue(this IServiceCollection services, Action<BullQueueOptions>? configure = null)
    {
        var options = services.AddOptions<BullQueueOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<BullQueueOptions>>(new OptionsCheck<BullQueueOptions>(null, "Accounts:Queues", o => o.Validate()));
        services.TryAddSingleton(sp => new BullJobQueue(
            sp.GetRequiredService<IRedisClient>(),
            sp.GetRequiredService<IOptions<BullQueueOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IJobQueue>(sp => sp.GetRequiredService<BullJobQueue>());
        return services;
    }

    /// <summary>
    /// The queues the service runs on: Bull in Redis when <paramref name="redisConfiguration"/> (the
    /// <c>Accounts:Redis</c> setting) is set, registering the Redis client too unless one is registered already;
    /// otherwise the in-process queue (the embedded default).
    /// </summary>
    public static IServiceCollection AddJobQueue(this IServiceCollection services, string? redisConfiguration, Action<BullQueueOptions>? configureBull = null)
    {
        if (string.IsNullOrWhiteSpace(redisConfiguration))
        {
            return services.AddInProcessJobQueue();
        }

        if (!services.Any(service => service.ServiceType == typeof(IRedisClient)))
        {
            services.AddAccountsRedis(redisConfiguration);
        }

        return services.AddBullJobQueue(configureBull);
    }

    /// <summary>Registers <see cref="IJobQueue"/> as queues in this process (the embedded default).</summary>
    public static IServiceCollection AddInProcessJobQueue(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new InProcessJobQueue(sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IJobQueue>(sp => sp.GetRequiredService<InProcessJobQueue>());
        return services;
    }

    /// <summary>
    /// Hosts a worker that runs <typeparamref name="THandler"/> (resolved in a scope of its own per job; registered
    /// as scoped if it is not yet) on <paramref name="queueName"/>. Its <see cref="QueueWorkerOptions"/> are the
    /// named options <paramref name="queueName"/> (bind them from configuration with
    /// <c>AddOptions&lt;QueueWorkerOptions&gt;(queueName).BindConfiguration(...)</c>), validated at start.
    /// </summary>
    public static IServiceCollection AddQueueWorker<THandler>(this IServiceCollection services, string queueName, Action<QueueWorkerOptions>? configure = null)
        where THandler : class, IJobHandler
    {
        services.TryAddScoped<THandler>();
        return services.AddQueueWorker(
            queueName,
            (provider, job, cancellationToken) => provider.GetRequiredService<THandler>().HandleAsync(job, cancellationToken),
            configure);
    }

    /// <summary>
    /// Hosts a worker that runs <paramref name="handle"/> on <paramref name="queueName"/>, with the services of a
    /// scope of its own per job. See <see cref="AddQueueWorker{THandler}"/> for the options.
    /// </summary>
    public static IServiceCollection AddQueueWorker(
        this IServiceCollection services,
        string queueName,
        Func<IServiceProvider, Job, CancellationToken, Task<JsonNode?>> handle,
        Action<QueueWorkerOptions>? configure = null)
    {
        QueueNames.Validate(queueName);
        ArgumentNullException.ThrowIfNull(handle);
        var options = services.AddOptions<QueueWorkerOptions>(queueName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<QueueWorkerOptions>>(
            new OptionsCheck<QueueWorkerOptions>(queueName, $"Accounts:Queues:Workers:{queueName}", o => o.Validate()));
        services.AddSingleton<IHostedService>(sp => new QueueWorkerService(
            sp.GetRequiredService<IJobQueue>(),
            queueName,
            new ScopedJobHandler(sp.GetRequiredService<IServiceScopeFactory>(), handle),
            sp.GetRequiredService<IOptionsMonitor<QueueWorkerOptions>>().Get(queueName),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<QueueWorkerService>>()));
        return services;
    }
}
