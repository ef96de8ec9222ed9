using System.Diagnostics;
using System.Text.Json;

namespace Accounts.Bus.Kafka.Tests.Support;

/// <summary>kcat, the command-line Kafka client operators use: what it reads back is what any other consumer sees.</summary>
internal static class Kcat
{
    /// <summary>The kcat binary; skips the test when there is none (./test.sh installs it).</summary>
    public static string Binary()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "kcat"))
            .FirstOrDefault(File.Exists);
        Assert.SkipWhen(path is null, "kcat is not installed (apt-get install kcat; ./test.sh does).");
        return path!;
    }

    /// <summary>Every message of <paramref name="topic"/>, from the beginning to the current end, as kcat's JSON envelopes.</summary>
    public static async Task<IReadOnlyList<JsonElement>> ReadAsync(string servers, string topic)
    {
        var start = new ProcessStartInfo(Binary())
        {
            ArgumentList = { "-C", "-b", servers, "-t", topic, "-J", "-e", "-q" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).Within("kcat to read the topic");
        process.ExitCode.ShouldBe(0, await errors);
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();
    }
}
