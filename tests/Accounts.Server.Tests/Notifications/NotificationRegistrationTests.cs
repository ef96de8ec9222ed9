using Accounts.Core.Security;
using Accounts.Notifications;
using Accounts.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Accounts.Server.Tests.Notifications;

public sealed class NotificationRegistrationTests
{
    [Fact]
    public void WithoutRedisEverythingStaysInTheProcess()
    {
        using var services = Build(redisKeyPrefix: null);

        services.GetRequiredService<IOutcomeFeed>().ShouldBeOfType<InMemoryOutcomeFeed>();
        services.GetRequiredService<IJobTickets>().ShouldBeOfType<InMemoryJobTickets>();
        services.GetRequiredService<IOutcomePublisher>().ShouldBeOfType<OutcomePublisher>();
    }

    [Fact]
    public async Task WithRedisTheFeedAndTicketsAreShared()
    {
        await using var services = Build(redisKeyPrefix: "accounts:");

        services.GetRequiredService<IOutcomeFeed>().ShouldBeOfType<RedisOutcomeFeed>().Channel.ShouldBe("accounts:outcomes");
        services.GetRequiredService<IJobTickets>().ShouldBeOfType<RedisJobTickets>();
    }

    [Fact]
    public void TheFeedIsOneSinkAmongOthersWhateverTheOrderOfRegistration()
    {
        var collection = Services(redisKeyPrefix: null);
        collection.TryAddEnumerable(ServiceDescriptor.Singleton<IOutcomeSink, OtherSink>());
        collection.AddAccountsNotifications(_ => null);
        using var services = collection.BuildServiceProvider();

        var sinks = services.GetServices<IOutcomeSink>().ToList();

        sinks.Count.ShouldBe(2);
        sinks.ShouldContain(sink => ReferenceEquals(sink, services.GetRequiredService<IOutcomeFeed>()));
        sinks.ShouldContain(sink => sink is OtherSink);
    }

    [Theory]
    [InlineData("KeepFor", "00:00:00", "Accounts:Notifications:KeepFor must be more than 0 and at most 1 day.")]
    [InlineData("KeepPerUser", "0", "Accounts:Notifications:KeepPerUser must be 1 to 1000.")]
    [InlineData("TicketLifetime", "02:00:00", "Accounts:Notifications:TicketLifetime must be more than 0 and at most 1 hour.")]
    [InlineData("RecheckTokensEvery", "00:00:00.5", "Accounts:Notifications:RecheckTokensEvery must be at least 1 second and at most 1 hour.")]
    public void BadSettingIsRefusedWithItsName(string setting, string value, string message)
    {
        using var services = Build(redisKeyPrefix: null, new Dictionary<string, string?> { [$"Accounts:Notifications:{setting}"] = value });

        Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<NotificationOptions>>().Value).Message.ShouldBe(message);
    }

    [Fact]
    public async Task BadSettingStopsTheServerAtStart()
    {
        TestStack.RequireEmbedded();
        var data = Path.Combine(Path.GetTempPath(), "accounts-startup-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var (exitCode, output) = await ServerProcess.RunAsync(
                new Dictionary<string, string?> { ["Accounts:DataDirectory"] = data, ["Accounts:Notifications:KeepPerUser"] = "0" },
                [],
                TimeSpan.FromSeconds(60));

            exitCode.ShouldNotBe(0, output);
            output.ShouldContain("Accounts:Notifications:KeepPerUser must be 1 to 1000.");
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static ServiceProvider Build(string? redisKeyPrefix, Dictionary<string, string?>? settings = null)
    {
        var collection = Services(redisKeyPrefix, settings);
        collection.AddAccountsNotifications(_ => redisKeyPrefix);
        return collection.BuildServiceProvider();
    }

    private static ServiceCollection Services(string? redisKeyPrefix, Dictionary<string, string?>? settings = null)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        collection.AddSingleton(NotificationTestSupport.NewProtector());
        if (redisKeyPrefix is not null)
        {
            // Never connected in these tests: the client connects in the background and nothing is sent.
            collection.AddAccountsRedis(_ => RedisOptions.Parse("127.0.0.1:1"));
        }

        return collection;
    }

    private sealed class OtherSink : IOutcomeSink
    {
        public Task PublishAsync(Outcome outcome, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
