using System.Text.Json.Nodes;
using Accounts.Queues.Bull;
using Accounts.Queues.InProcess;
using Accounts.Queues.Tests.Support;
using Accounts.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Accounts.Queues.Tests.Hosting;

/// <summary>The DI registrations: the queue chosen by configuration, and hosted workers with scoped handlers.</summary>
public sealed class QueueHostingTests
{
    private const string QueueName = "Delete_User";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunsARegisteredHandlerInAScopeOfItsOwnOnTheInProcessQueue()
    {
        using var host = Build(services =>
        {
            services.AddJobQueue(redisConfiguration: null);
            services.AddScoped<Unit>();
            services.AddQueueWorker<UnitHandler>(QueueName, o => o.Concurrency = 2);
        });
        await host.StartAsync(Ct);
        var queue = host.Services.GetRequiredService<IJobQueue>();
        queue.ShouldBeOfType<InProcessJobQueue>();

        var first = await queue.AddAsync(QueueName, new JsonObject { ["Id"] = "a" }, cancellationToken: Ct);
        var second = await queue.AddAsync(QueueName, new JsonObject { ["Id"] = "b" }, cancellationToken: Ct);

        var one = await queue.WaitForStateAsync(QueueName, first, JobState.Completed);
        var two = await queue.WaitForStateAsync(QueueName, second, JobState.Completed);
        one.ReturnValue!["Id"]!.GetValue<string>().ShouldBe("a");
        one.ReturnValue["unit"]!.GetValue<string>().ShouldNotBe(two.ReturnValue!["unit"]!.GetValue<string>());
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task RunsOnBullWhenRedisIsConfigured()
    {
        var prefix = TestRedis.UniquePrefix();
        using var host = Build(services =>
        {
            services.AddJobQueue(TestRedis.Endpoint(), o => o.Prefix = prefix);
            services.AddScoped<Unit>();
            services.AddQueueWorker(QueueName, (provider, job, _) => Task.FromResult<JsonNode?>(new JsonObject { ["deleted"] = job.Data!["Id"]!.DeepClone() }));
        });
        await host.StartAsync(Ct);
        var queue = host.Services.GetRequiredService<IJobQueue>();
        queue.ShouldBeOfType<BullJobQueue>().Prefix.ShouldBe(prefix);

        var id = await queue.AddAsync(QueueName, new JsonObject { ["Id"] = "x" }, cancellationToken: Ct);

        (await queue.WaitForStateAsync(QueueName, id, JobState.Completed)).ReturnValue!["deleted"]!.GetValue<string>().ShouldBe("x");
        (await host.Services.GetRequiredService<IRedisClient>().ExistsAsync($"{prefix}:{QueueName}:{id}", Ct)).ShouldBeTrue();
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task RefusesToStartWithAnInvalidWorkerSettingAndNamesIt()
    {
        using var host = Build(services =>
        {
            services.AddInProcessJobQueue();
            services.AddQueueWorker<UnitHandler>(QueueName, o => o.LockDuration = TimeSpan.Zero);
        });

        var error = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        error.Message.ShouldContain($"Accounts:Queues:Workers:{QueueName}:LockDuration");
    }

    [Fact]
    public async Task RefusesToStartWithAnInvalidPrefix()
    {
        using var host = Build(services =>
        {
            services.AddAccountsRedis("127.0.0.1:1");
            services.AddBullJobQueue(o => o.Prefix = "has space");
        });

        var error = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        error.Message.ShouldContain("Accounts:Queues:Prefix");
    }

    private static IHost Build(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        configure(builder.Services);
        return builder.Build();
    }

    private sealed class Unit
    {
        public string Id { get; } = Guid.NewGuid().ToString();
    }

    private sealed class UnitHandler(Unit unit) : IJobHandler
    {
        public Task<JsonNode?> HandleAsync(Job job, CancellationToken cancellationToken) =>
            Task.FromResult<JsonNode?>(new JsonObject { ["Id"] = job.Data!["Id"]!.DeepClone(), ["unit"] = unit.Id });
    }
}
