using System.Reflection;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Accounts.Benchmarks.Micro;

/// <summary>The "micro" mode: BenchmarkDotNet over every benchmark class in this assembly.</summary>
internal static class MicroBenchmarks
{
    private static readonly string[] SelectionArguments = ["--filter", "-f", "--list", "--help", "-h", "--version", "--info"];

    public static int Run(string[] args)
    {
        // Without a filter the switcher asks on the console which benchmark to run; a scripted run wants them all.
        if (!args.Any(a => SelectionArguments.Contains(a, StringComparer.Ordinal)))
        {
            args = [.. args, "--filter", "*"];
        }

        // Results go next to this project (git ignores them) rather than into whichever directory the run started from.
        var config = args.Contains("--artifacts", StringComparer.Ordinal) ? Config() : Config().WithArtifactsPath(DefaultArtifactsPath());
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(args, config);
        var failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }

    private static string DefaultArtifactsPath() =>
        Path.Combine(
            typeof(MicroBenchmarks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "BenchmarksProjectDirectory")?.Value ?? Environment.CurrentDirectory,
            "BenchmarkDotNet.Artifacts");

    /// <summary>
    /// One short job (one process, 3 warm-ups, 8 measured iterations) so the whole set fits in a few minutes on
    /// two cores; the error columns say how far to trust each mean.
    /// </summary>
    private static ManualConfig Config() =>
        DefaultConfig.Instance
            .AddJob(Job.Default.WithId("Short").WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(8))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.JoinSummary);
}
