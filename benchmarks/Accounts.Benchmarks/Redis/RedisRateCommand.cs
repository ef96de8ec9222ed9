using System.Diagnostics;
using System.Globalization;
using System.Net;
using Accounts.Benchmarks.Common;
using Accounts.Benchmarks.SignInLoad;
using Accounts.Redis;

namespace Accounts.Benchmarks.Redis;

/// <summary>
/// The "redis" mode: our RESP client's SET and GET rates and redis-benchmark's, against the same server in one run,
/// at the same number of requests, clients and pipeline depth, and their ratio.
/// </summary>
internal static class RedisRateCommand
{
    /// <summary>The one key redis-benchmark's SET and GET use when not given -r.</summary>
    private const string RedisBenchmarkKey = "key:__rand_int__";

    /// <summary>redis-benchmark's default value: 3 bytes (-d 3) of 'x'.</summary>
    private const string Value = "xxx";


    public static async Task<int> RunAsync(string[] args)
    {
        RedisRateOptions options;
        try
        {
            options = RedisRateOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        return await Interruptible.RunAsync(cancellationToken => RunAsync(options, cancellationToken));
    }

    private static async Task<int> RunAsync(RedisRateOptions options, CancellationToken cancellationToken)
    {
        if (options.ServerOrDefault is not { } server)
        {
            Console.Error.WriteLine($"Name the server with --server host:port or {RedisRateOptions.ServerVariable} (source scripts/test-servers/redis.sh and run start_redis).");
            return 2;
        }

        if (RedisInfo.ParseThrowaway(server, "redis-benchmark must reach the same keys the same way") is not { } redisOptions)
        {
            return 2;
        }

        if (RedisBenchmarkTool.Find(options.RedisBenchmarkPath) is not { } tool)
        {
            Console.Error.WriteLine("redis-benchmark not found: install redis-tools (it comes with redis-server) or pass --redis-benchmark PATH.");
            return 2;
        }

        var machine = MachineInfo.Read();
        var toolVersion = await RedisBenchmarkTool.VersionAsync(tool, cancellationToken);
        await using var redis = await RedisClient.ConnectAsync(redisOptions, cancellationToken: cancellationToken);
        var info = await RedisInfo.ReadAsync(redis, "server", cancellationToken);
        var serverVersion = info.GetValueOrDefault("redis_version", "unknown");
        var serverPid = RedisInfo.LocalServerPid(info, redisOptions.Host);

        Console.WriteLine($"machine      {machine.Cores} cores, {machine.Cpu}, {machine.Runtime}, {machine.OperatingSystem}");
        Console.WriteLine($"server       redis-server {serverVersion} at {redisOptions.Endpoint}{(serverPid is { } p ? $" (pid {p}, CPU measured)" : " (CPU not measured)")}");
        Console.WriteLine($"tool         {tool}: {toolVersion}");
        Console.WriteLine($"parameters   {options.Requests} requests, {options.Clients} clients, pipeline {string.Join(",", options.Pipelines)}, {options.Rounds} round(s), {Value.Length}-byte value");
        Console.WriteLine($"quiet        each round first waits for {options.QuietSeconds} s under {QuietMachine.BusyThreshold:P0} busy; a disturbed one is measured again, at most {options.Retries} times; {options.SlackSeconds} s for both in all");
#if DEBUG
        Console.WriteLine("warning      a Debug build: use -c Release for figures worth keeping");
#endif

        if (await redis.ExistsAsync(RedisBenchmarkKey, cancellationToken))
        {
            Console.Error.WriteLine($"{RedisBenchmarkKey} exists on this server and redis-benchmark would overwrite it: use a throwaway server.");
            return 2;
        }

        var keysBefore = await DatabaseSizeAsync(redis, cancellationToken);
        RedisValue key = $"accounts-bench:{Guid.NewGuid():N}:key";
        RedisValue value = Value;
        var meter = new CpuMeter(serverPid);
        var rounds = new List<RoundFigures>();
        var slack = new Slack(TimeSpan.FromSeconds(options.SlackSeconds));
        long keysAfter;
        try
        {
            // Warm-up, not recorded: the client's code reaches its optimised JIT tier before the first measured phase.
            Console.WriteLine("warm-up      one pass of SET and GET at each pipeline depth");
            foreach (var pipeline in options.Pipelines)
            {
                await ClientRatePhase.RunAsync(redis, "SET", key, value, Value, options.Requests, options.Clients, pipeline, cancellationToken);
                await ClientRatePhase.RunAsync(redis, "GET", key, value, Value, options.Requests, options.Clients, pipeline, cancellationToken);
            }

            for (var round = 1; round <= options.Rounds; round++)
            {
                foreach (var pipeline in options.Pipelines)
                {
                    // The least disturbed of up to 1 + retries attempts: chosen by the others' share of the cores, never by the rates.
                    RoundFigures? kept = null;
                    RoundFigures? last = null;
                    for (var attempt = 1; attempt <= 1 + options.Retries; attempt++)
                    {
                        var waited = await slack.WaitForQuietAsync(TimeSpan.FromSeconds(options.QuietSeconds), cancellationToken);
                        var measureStarted = Stopwatch.GetTimestamp();
                        var figures = await MeasureRoundAsync(redis, meter, tool, redisOptions, key, value, options, round, pipeline, machine.Cores, cancellationToken) with
                        {
                            Attempt = attempt,
                            QuietWaitSeconds = waited is { } w ? Math.Round(w.TotalSeconds, 1) : null,
                        };
                        last = figures;
                        if (kept is null || figures.OtherLoadPercent < kept.OtherLoadPercent)
                        {
                            kept = figures;
                        }

                        var length = Stopwatch.GetElapsedTime(measureStarted);
                        if (attempt > 1)
                        {
                            // A repeat's measurement comes out of the slack too, as its wait did.
                            slack.Spend(length);
                        }

                        if (figures.OtherLoadPercent <= RedisRateReport.OtherLoadWarningPercent || attempt > options.Retries || !slack.Fits(length))
                        {
                            break;
                        }

                        Console.WriteLine(RedisRateReport.RoundLine(figures) + "  (disturbed: measuring again)");
                    }

                    if (!ReferenceEquals(last, kept))
                    {
                        Console.WriteLine(RedisRateReport.RoundLine(last!) + "  (disturbed, not kept)");
                    }

                    rounds.Add(kept!);
                    Console.WriteLine(RedisRateReport.RoundLine(kept!));
                }
            }
        }
        finally
        {
            // Our key and redis-benchmark's (which was absent before): the server is left with what it had.
            await redis.DeleteAsync(new[] { key, (RedisValue)RedisBenchmarkKey }, CancellationToken.None);
            keysAfter = await DatabaseSizeAsync(redis, CancellationToken.None);
        }

        var report = new RedisRateReport(
            machine,
            options,
            redisOptions.Endpoint,
            serverVersion,
            serverPid is not null,
            $"{tool} ({toolVersion}), run as: redis-benchmark {string.Join(' ', RedisBenchmarkTool.Arguments(redisOptions.Host, redisOptions.Port, options.Requests, options.Clients, options.Pipelines[0]))} (and each other -P)",
            rounds,
            new RedisRateReport.Cleanup(keysBefore, keysAfter));
        Console.WriteLine();
        Console.Write(report.Summary());
        if (options.OutputPath is { } output)
        {
            var full = Path.GetFullPath(output);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, report.ToJson() + "\n", cancellationToken);
            Console.WriteLine($"written      {full}");
        }

        return rounds.All(r => r.OursSet.Errors + r.OursGet.Errors == 0) && keysBefore == keysAfter ? 0 : 1;
    }

    private static async Task<RoundFigures> MeasureRoundAsync(
        IRedisCommands redis,
        CpuMeter meter,
        string tool,
        RedisOptions redisOptions,
        RedisValue key,
        RedisValue value,
        RedisRateOptions options,
        int round,
        int pipeline,
        int cores,
        CancellationToken cancellationToken)
    {
        var set = await MeasureOursAsync(redis, meter, "SET", key, value, options, pipeline, cores, cancellationToken);
        var get = await MeasureOursAsync(redis, meter, "GET", key, value, options, pipeline, cores, cancellationToken);

        var arguments = RedisBenchmarkTool.Arguments(redisOptions.Host, redisOptions.Port, options.Requests, options.Clients, pipeline);
        var before = meter.Read();
        var started = TimeProvider.System.GetTimestamp();
        var rates = await RedisBenchmarkTool.MeasureAsync(tool, arguments, cancellationToken);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var toolRun = RateFigures.From(2 * options.Requests, 0, elapsed, CpuMeter.Between(before, meter.Read()), cores);
        var toolSet = rates.GetValueOrDefault("SET", double.NaN);
        var toolGet = rates.GetValueOrDefault("GET", double.NaN);
        return new RoundFigures(
            round, pipeline, set, get, toolSet, toolGet, toolRun,
            Math.Round(set.PerSecond / toolSet, 3), Math.Round(get.PerSecond / toolGet, 3));
    }

    private static async Task<RateFigures> MeasureOursAsync(
        IRedisCommands redis, CpuMeter meter, string command, RedisValue key, RedisValue value, RedisRateOptions options, int pipeline, int cores, CancellationToken cancellationToken)
    {
        var before = meter.Read();
        var (_, errors, elapsed) = await ClientRatePhase.RunAsync(redis, command, key, value, Value, options.Requests, options.Clients, pipeline, cancellationToken);
        return RateFigures.From(options.Requests, errors, elapsed, CpuMeter.Between(before, meter.Read()), cores);
    }

    private static async Task<long> DatabaseSizeAsync(IRedisCommands redis, CancellationToken cancellationToken) =>
        (await redis.ExecuteAsync("DBSIZE", ReadOnlyMemory<RedisValue>.Empty, cancellationToken)).AsInt64();
}
