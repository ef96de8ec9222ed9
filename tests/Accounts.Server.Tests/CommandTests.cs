namespace Accounts.Server.Tests;

/// <summary>The operator verbs, run as a person would: the real server binary in a process of its own.</summary>
public sealed class CommandTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "accounts-cli-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task CheckFailsOnAnEmptyDatabaseAndPassesAfterMigrate()
    {
        TestStack.RequireEmbedded();
        var before = await RunAsync("check");
        before.ExitCode.ShouldBe(1, before.Output);
        before.Output.ShouldContain("NOT READY");
        before.Output.ShouldContain("pending migrations: 1");

        var migrate = await RunAsync("migrate");
        migrate.ExitCode.ShouldBe(0, migrate.Output);
        migrate.Output.ShouldContain("applied 0001");

        var again = await RunAsync("migrate");
        again.Output.ShouldContain("already current");

        var after = await RunAsync("check");
        after.ExitCode.ShouldBe(0, after.Output);
        after.Output.ShouldContain("ok");
    }

    [Fact]
    public async Task UnknownVerbIsRefused()
    {
        TestStack.RequireEmbedded();
        var result = await RunAsync("frobnicate");

        result.ExitCode.ShouldBe(2);
        result.Output.ShouldContain("unknown verb");
    }

    public void Dispose()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private Task<(int ExitCode, string Output)> RunAsync(string verb) =>
        ServerProcess.RunAsync(new Dictionary<string, string?> { ["Accounts:DataDirectory"] = _data }, [verb], TimeSpan.FromSeconds(60));
}
