namespace Accounts.Server.Tests;

/// <summary>A bad setting stops the real process at start, with a message that names the setting.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "accounts-startup-tests", Guid.NewGuid().ToString("N"));

    public StartupTests() => TestStack.RequireEmbedded();

    [Theory]
    [InlineData("Accounts:Lockout:Threshold", "0", "Accounts:Lockout:Threshold must be at least 1")]
    [InlineData("Accounts:Codes:Lifetime", "00:00:10", "Accounts:Codes:Lifetime must be between")]
    [InlineData("Accounts:Redis", "not a host:port,db=x", "Accounts:Redis is not a valid Redis connection string")]
    [InlineData("Accounts:Storage:Provider", "oracle", "Accounts:Storage:Provider must be sqlite, mysql or postgres")]
    [InlineData("Accounts:Queues:Enabled", "Create_User,Send_Spam", "Accounts:Queues:Enabled: 'Send_Spam' is not a queue")]
    [InlineData("Accounts:Queues:LegacyTokenSecret", "short", "Accounts:Queues:LegacyTokenSecret: must be at least 16 characters")]
    [InlineData("Accounts:Queues:Workers:Read_User:Concurrency", "0", "Accounts:Queues:Workers:Read_User")]
    public async Task BadSettingStopsStartWithItsName(string setting, string value, string message)
    {
        var (exitCode, output) = await StartAsync(new() { [setting] = value });

        exitCode.ShouldNotBe(0, output);
        output.ShouldContain(message);
    }

    [Fact]
    public async Task ServerEnginesRefuseToStartWithoutConfiguredKeys()
    {
        var (exitCode, output) = await StartAsync(new()
        {
            ["Accounts:Storage:Provider"] = "postgres",
            ["ConnectionStrings:Accounts"] = "Host=127.0.0.1;Port=1;Database=accounts;Username=accounts;Password=secret",
        });

        exitCode.ShouldNotBe(0, output);
        output.ShouldContain("Accounts:Keys must be configured when Accounts:Storage:Provider is mysql or postgres");
        output.ShouldNotContain("secret");
    }

    [Fact]
    public async Task ServiceRefusesToStartWhenTheKeysOfExistingDataAreMissing()
    {
        (await ServerProcess.RunAsync(Settings(), ["migrate"], TimeSpan.FromSeconds(60))).ExitCode.ShouldBe(0);
        File.Delete(Path.Combine(_data, "keys.json"));

        var (exitCode, output) = await StartAsync([]);

        exitCode.ShouldNotBe(0, output);
        output.ShouldContain("Accounts:DataDirectory holds accounts.db but not keys.json");
        File.Exists(Path.Combine(_data, "keys.json")).ShouldBeFalse();
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private Task<(int ExitCode, string Output)> StartAsync(Dictionary<string, string?> settings)
    {
        foreach (var (key, value) in Settings())
        {
            settings.TryAdd(key, value);
        }

        return ServerProcess.RunAsync(settings, [], TimeSpan.FromSeconds(60));
    }

    private Dictionary<string, string?> Settings() => new() { ["Accounts:DataDirectory"] = _data };
}
