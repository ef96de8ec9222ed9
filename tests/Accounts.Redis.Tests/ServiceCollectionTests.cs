using Accounts.Redis.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Accounts.Redis.Tests;

public sealed class ServiceCollectionTests
{
    [Fact]
    public async Task RegistersOneClientFromAConfigurationString()
    {
        var endpoint = TestServers.SharedOptions().Endpoint;
        var services = new ServiceCollection().AddLogging().AddAccountsRedis($"{endpoint},commandTimeout=2000");

        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IRedisClient>();

        client.ShouldBeSameAs(provider.GetRequiredService<RedisClient>());
        await client.PingAsync();
    }

    [Fact]
    public void NamesTheSettingWhenTheStringIsMalformed()
    {
        var error = Should.Throw<FormatException>(() => new ServiceCollection().AddAccountsRedis("host:notaport"));

        error.Message.ShouldContain("Accounts:Redis");
        error.Message.ShouldContain("port");
    }
}
