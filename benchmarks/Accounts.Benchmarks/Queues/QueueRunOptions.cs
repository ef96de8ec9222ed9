using Accounts.Benchmarks.Common;

namespace Accounts.Benchmarks.Queues;

/// <summary>The arguments of the "queues" mode.</summary>
internal sealed record QueueRunOptions(
    int NoopJobs,
    int DeleteJobs,
    int? WarmupJobs,
    int Rounds,
    int Concurrency,
    IReadOnlyList<string> Tests,
    int QuietSeconds,
    int Retries,
    int SlackSeconds,
    string? Redis,
    string? ServerPath,
    string? OutputPath)
{
    public const string RedisVariable = "ACCOUNTS_TEST_REDIS";
    public const string Noop = "noop";
    public const string DeleteUser = "delete-user";

    // 5 is the original deployment's concurrency (queue.process(5, ...)) and Accounts' default.
    public static QueueRunOptions Default => new(
        NoopJobs: 20_000,
        DeleteJobs: 5_000,
        WarmupJobs: null,
        Rounds: 3,
        Concurrency: 5,
        Tests: [Noop, DeleteUser],
        QuietSeconds: 1,
        Retries: 2,
        SlackSeconds: 120,
        Redis: null,
        ServerPath: null,
        OutputPath: null);

    /// <exception cref="ArgumentException">An argument is unknown or its value is missing or out of range.</exception>
    public static QueueRunOptions Parse(IReadOnlyList<string> args)
    {
        var options = Default;
        Arguments.Walk(args, (name, value) => options = name switch
        {
            "--jobs" => options with { NoopJobs = Arguments.Int(name, value(), 1, 10_000_000) },
            "--delete-jobs" => options with { DeleteJobs = Arguments.Int(name, value(), 1, 1_000_000) },
            "--warmup-jobs" => options with { WarmupJobs = Arguments.Int(name, value(), 0, 1_000_000) },
            "--rounds" => options with { Rounds = Arguments.Int(name, value(), 1, 20) },
            "--concurrency" => options with { Concurrency = Arguments.Int(name, value(), 1, 1000) },
            "--tests" => options with { Tests = ParseTests(value()) },
            "--quiet-seconds" => options with { QuietSeconds = Arguments.Int(name, value(), 0, 60) },
            "--retries" => options with { Retries = Arguments.Int(name, value(), 0, 10) },
            "--slack-seconds" => options with { SlackSeconds = Arguments.Int(name, value(), 0, 3600) },
            "--redis" => options with { Redis = value() },
            "--server" => options with { ServerPath = value() },
            "--out" => options with { OutputPath = value() },
            _ => throw new ArgumentException($"Unknown argument {name}."),
        });
        return options;
    }

    /// <summary>
    /// The warm-up batch of a test: --warmup-jobs, else as many jobs as a no-op round, and twice as many as a
    /// Delete_User round: the server's rate was still rising after one batch (about 11 s), with its JIT tiers and
    /// MariaDB's caches still warming; two batches take about 20 s.
    /// </summary>
    public int WarmupFor(string test) => WarmupJobs ?? (test == DeleteUser ? 2 * DeleteJobs : NoopJobs);

    /// <summary>--redis, else ACCOUNTS_TEST_REDIS; null when neither says.</summary>
    public string? RedisOrDefault => Redis ?? (Environment.GetEnvironmentVariable(RedisVariable) is { Length: > 0 } value ? value : null);

    private static IReadOnlyList<string> ParseTests(string text)
    {
        var tests = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => t.ToLowerInvariant() switch
            {
                Noop or "no-op" => Noop,
                DeleteUser or "delete_user" or "delete" => DeleteUser,
                _ => throw new ArgumentException($"--tests takes {Noop} and {DeleteUser}, not '{t}'."),
            })
            .Distinct()
            .ToList();
        return tests.Count > 0 ? tests : throw new ArgumentException("--tests needs at least one test.");
    }
}
