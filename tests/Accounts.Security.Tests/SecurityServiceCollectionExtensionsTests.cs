using Accounts.Core;
using Accounts.Core.Security;
using Accounts.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Accounts.Security.Tests;

public sealed class SecurityServiceCollectionExtensionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddAccountsSecurityWiresThePortsToOneKeyRing()
    {
        using var temp = new TempDirectory();
        var services = new ServiceCollection().AddLogging();
        services.AddOptions<PasswordHashingOptions>().Configure(o => (o.MemoryKiB, o.Iterations) = (8192, 1));
        services.AddAccountsSecurity(temp.Path);
        await using var provider = services.BuildServiceProvider();

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(Ct);
        }

        File.Exists(Path.Combine(temp.Path, KeyRing.FileName)).ShouldBeTrue();
        var now = new ManualTimeProvider().GetUtcNow();
        var tokens = provider.GetRequiredService<IAccessTokenService>();
        (await tokens.ValidateAsync(tokens.Issue("user-1", "session-1", now).Token, now, Ct)).ShouldNotBeNull();
        provider.GetRequiredService<JwtAccessTokenService>().ShouldBeSameAs(tokens);

        var protector = provider.GetRequiredService<IFieldProtector>();
        protector.Unprotect(protector.Protect("alice@example.com")).ShouldBe("alice@example.com");

        var hasher = provider.GetRequiredService<IPasswordHasher>();
        (await hasher.VerifyAsync(await hasher.HashAsync("correct horse", Ct), "correct horse", Ct)).ShouldBe(PasswordVerification.Success);
    }

    [Fact]
    public async Task StartFailsNamingTheSettingGivenABadKey()
    {
        using var temp = new TempDirectory();
        var services = new ServiceCollection().AddLogging();
        services.AddOptions<KeysOptions>().Configure(o => o.IndexKey = "nope");
        services.AddAccountsSecurity(temp.Path);
        await using var provider = services.BuildServiceProvider();

        var check = provider.GetServices<IHostedService>().Single();

        (await Should.ThrowAsync<InvalidOperationException>(() => check.StartAsync(Ct)))
            .Message.ShouldBe("Accounts:Keys:Signing must list at least one key.");
        Directory.GetFileSystemEntries(temp.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task KeysBoundFromConfigurationSignAndEncrypt()
    {
        using var temp = new TempDirectory();
        var keys = TestKeys.Rotated(TestKeys.Options());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Accounts:Keys:Signing:0:Id"] = keys.Signing[0].Id,
            ["Accounts:Keys:Signing:0:PrivateKeyPem"] = keys.Signing[0].PrivateKeyPem,
            ["Accounts:Keys:Signing:1:Id"] = keys.Signing[1].Id,
            ["Accounts:Keys:Signing:1:PrivateKeyPem"] = keys.Signing[1].PrivateKeyPem,
            ["Accounts:Keys:Encryption:0:Id"] = keys.Encryption[0].Id,
            ["Accounts:Keys:Encryption:0:Key"] = keys.Encryption[0].Key,
            ["Accounts:Keys:IndexKey"] = keys.IndexKey,
            ["Accounts:Passwords:MemoryKiB"] = "8192",
            ["Accounts:Passwords:Iterations"] = "1",
            ["Accounts:Tokens:Issuer"] = "https://accounts.test",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<KeysOptions>().BindConfiguration(KeysOptions.Section);
        services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section);
        services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section);
        services.AddAccountsSecurity(temp.Path);
        await using var provider = services.BuildServiceProvider();

        var jwks = provider.GetRequiredService<JwtAccessTokenService>().GetJsonWebKeySet();

        jwks.Keys.Select(k => k.KeyId).ShouldBe([keys.Signing[0].Id!, keys.Signing[1].Id!]);
        provider.GetRequiredService<IFieldProtector>().Protect("alice@example.com").ShouldStartWith(keys.Encryption[0].Id + ".");
        (await provider.GetRequiredService<IPasswordHasher>().HashAsync("correct horse", Ct)).ShouldStartWith("$argon2id$v=19$m=8192,t=1,p=1$");
        Directory.GetFileSystemEntries(temp.Path).ShouldBeEmpty();
    }
}
