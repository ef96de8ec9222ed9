using Accounts.Benchmarks.Common;

namespace Accounts.Benchmarks.Redis;

/// <summary>The arguments of the "redis" mode.</summary>
internal sealed record RedisRateOptions(
    int Requests,
    int Clients,
    IReadOnlyList<int> Pipelines,
    int Rounds,
    int QuietSeconds,
    int Retries,
    int SlackSeconds,
    string? Server,
    string? RedisBenchmarkPath,
    string? OutputPath)
{
    public const string ServerVariable = "ACCOUNTS_TEST_REDIS";

    // redis-benchmark's default -c; -n five times its default, so that redis-benchmark's fastest phase (P = 16) still
    // lasts some tenths of a second. P = 1 (one request in flight per client) and 16.
    public static RedisRateOptions Default => new(
        Requests: 500_000,
        Clients: 50,
        Pipelines: [1, 16],
        Rounds: 3,
        QuietSeconds: 1,
        Retries: 2,
        SlackSeconds: 60,
        Server: null,
        RedisBenchmarkPath: null,
        OutputPath: null);

    /// <exception cref="ArgumentException">An argument is unknown or its value is missing or out of range.</exception>
    public static RedisRateOptions Parse(IReadOnlyList<string> args)
    {
        var options = Default;
        Arguments.Walk(args, (name, value) => options = name switch
        {
            "--requests" or "-n" => options with { Requests = Arguments.Int(name, value(), 1, 100_000_000) },
            "--clients" or "-c" => options with { Clients = Arguments.Int(name, value(), 1, 10_000) },
            "--pipeline" or "-P" => options with { Pipelines = Arguments.IntList(name, value(), 1, 1000) },
            "--rounds" => options with { Rounds = Arguments.Int(name, value(), 1, 100) },
            "--quiet-seconds" => options with { QuietSeconds = Arguments.Int(name, value(), 0, 60) },
            "--retries" => options with { Retries = Arguments.Int(name, value(), 0, 10) },
            "--slack-seconds" => options with { SlackSeconds = Arguments.Int(name, value(), 0, 3600) },
            "--server" => options with { Server = value() },
            "--redis-benchmark" => options with { RedisBenchmarkPath = value() },
            "--out" => options with { OutputPath = value() },
            _ => throw new ArgumentException($"Unknown argument {name}."),
        });
        if (options.Clients > options.Requests)
        {
            throw new ArgumentException("--requests must be at least --clients: each client makes at least one request.");
        }

        return options;
    }

    /// <summary>--server, else ACCOUNTS_TEST_REDIS; null when neither says.</summary>
    public string? ServerOrDefault => Server ?? (Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value ? value : null);
}
