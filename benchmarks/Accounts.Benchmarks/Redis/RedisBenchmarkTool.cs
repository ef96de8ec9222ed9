using System.Diagnostics;
using System.Globalization;

namespace Accounts.Benchmarks.Redis;

/// <summary>The real <c>redis-benchmark</c> (Debian: redis-tools, installed with redis-server), run as a child process.</summary>
internal static class RedisBenchmarkTool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>The given path, else redis-benchmark on the PATH; null when there is none.</summary>
    public static string? Find(string? path)
    {
        if (path is not null)
        {
            return File.Exists(path) ? Path.GetFullPath(path) : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "redis-benchmark"))
            .FirstOrDefault(File.Exists);
    }

    public static async Task<string> VersionAsync(string path, CancellationToken cancellationToken) =>
        (await RunAsync(path, ["--version"], cancellationToken)).Trim();

    /// <summary>The arguments for one run: SET then GET, <paramref name="requests"/> each, as the mode's own phases.</summary>
    public static IReadOnlyList<string> Arguments(string host, int port, int requests, int clients, int pipeline) =>
    [
        "-h", host, "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "set,get",
        "-n", requests.ToString(CultureInfo.InvariantCulture), "-c", clients.ToString(CultureInfo.InvariantCulture),
        "-P", pipeline.ToString(CultureInfo.InvariantCulture), "-q", "--csv",
    ];

    /// <summary>Runs redis-benchmark and answers requests per second by test name (SET, GET) from its CSV.</summary>
    public static async Task<IReadOnlyDictionary<string, double>> MeasureAsync(string path, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        ParseCsv(await RunAsync(path, arguments, cancellationToken));

    /// <summary>
    /// Reads redis-benchmark's --csv output: a header line ("test","rps",...; Redis 7) and one line per test
    /// ("SET","81234.57",...). Without a header (older versions) the second column is requests per second.
    /// </summary>
    public static IReadOnlyDictionary<string, double> ParseCsv(string output)
    {
        var result = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        var rpsColumn = 1;
        foreach (var line in output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(',').Select(f => f.Trim().Trim('"')).ToArray();
            if (fields.Length < 2)
            {
                continue;
            }

            if (fields[0] == "test")
            {
                rpsColumn = Array.IndexOf(fields, "rps") is var index and >= 0 ? index : 1;
                continue;
            }

            if (rpsColumn < fields.Length && double.TryParse(fields[rpsColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out var rps))
            {
                result[fields[0]] = rps;
            }
        }

        return result.Count > 0 ? result : throw new FormatException($"redis-benchmark printed no figures: {output.Trim()}");
    }

    private static async Task<string> RunAsync(string path, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"redis-benchmark did not finish within {Timeout.TotalMinutes:0} minutes.");
        }

        var text = await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-benchmark exited with {process.ExitCode}: {(await error).Trim()} {text.Trim()}");
        }

        return text;
    }
}
