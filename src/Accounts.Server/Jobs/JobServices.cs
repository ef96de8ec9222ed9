using Accounts.Queues;
using Accounts.Redis;
using Accounts.Server.Hosting;
using Accounts.Server.Jobs.Operations;
using Accounts.Storage.Redis;

namespace Accounts.Server.Jobs;

/// <summary>
/// The queue front door: Bull queues in <c>Accounts:Redis</c> (prefix <c>Accounts:Queues:Prefix</c>), or the
/// in-process queue without it; a hosted worker for each queue of <c>Accounts:Queues:Enabled</c>.
/// </summary>
internal static class JobServices
{
    public static IServiceCollection AddAccountsJobs(this IServiceCollection services, IConfiguration configuration)
    {
        // Which workers to host is decided now, so the options are read (and checked) now; a bad value stops start-up.
        var options = configuration.GetSection(QueuesOptions.Section).Get<QueuesOptions>() ?? new QueuesOptions();
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"{QueuesOptions.Section}:{ex.ParamName}: {ex.Message}", ex);
        }

        services.AddSingleton(options);
        services.AddJobQueue(configuration[RedisSettings.Setting], bull => bull.Prefix = options.Prefix);

        services.AddSingleton<JobTokens>();
        services.AddSingleton<LegacyGatewayTokens>();
        services.AddSingleton<JobAuthority>();
        services.AddSingleton(sp => new JobStatusBook(
            sp.GetRequiredService<RedisSettings>().Enabled ? sp.GetRequiredService<IRedisClient>() : null,
            sp.GetRequiredService<RedisKeys>(),
            options,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAccountJob, VerificationJob>();
        services.AddSingleton<IAccountJob, CreateUserJob>();
        services.AddSingleton<IAccountJob, ReadUserJob>();
        services.AddSingleton<IAccountJob, UpdateUserJob>();
        services.AddSingleton<IAccountJob, VerifyUserJob>();
        services.AddSingleton<IAccountJob, RecoverPasswordJob>();
        services.AddSingleton<IAccountJob, DeleteUserJob>();
        services.AddSingleton<AccountJobHandler>();

        foreach (var queue in options.EnabledQueues())
        {
            services.AddQueueWorker(
                queue,
                (provider, job, cancellationToken) => provider.GetRequiredService<AccountJobHandler>().HandleAsync(job, cancellationToken),
                worker => worker.Concurrency = options.Concurrency);
            services.AddOptions<QueueWorkerOptions>(queue).BindConfiguration($"{QueuesOptions.Section}:Workers:{queue}");
        }

        return services;
    }
}
