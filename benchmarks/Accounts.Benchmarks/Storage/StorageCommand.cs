using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Accounts.Benchmarks.Common;
using Accounts.Benchmarks.SignInLoad;
using Accounts.Security;

namespace Accounts.Benchmarks.Storage;

/// <summary>
/// The "storage" mode: for each engine, a database of its own, migrated, then each operation of
/// <see cref="StorageOperations.All"/> in turn with C concurrent loops, a warm-up and N measured seconds each.
/// </summary>
internal static class StorageCommand
{
    private static readonly ConcurrentDictionary<string, byte> ReportedErrors = new(StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args)
    {
        StorageRunOptions options;
        try
        {
            options = StorageRunOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        return await Interruptible.RunAsync(cancellationToken => RunAsync(options, cancellationToken));
    }

    private static async Task<int> RunAsync(StorageRunOptions options, CancellationToken cancellationToken)
    {
        // MySql.Data's and Microsoft.Data.Sqlite's "async" calls block their thread for the whole call (see
        // src/Accounts.Storage/README.md): as the README asks of a host, the pool gets a thread per loop at once
        // instead of growing into it while the first phase is measured.
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, (2 * options.Concurrency) + Environment.ProcessorCount), completionPorts);

        var machine = MachineInfo.Read();
        Console.WriteLine($"machine      {machine.Cores} cores, {machine.Cpu}, {machine.Runtime}, {machine.OperatingSystem}");
        Console.WriteLine($"parameters   {options.Concurrency} concurrent loops; {options.WarmupSeconds} s warm-up + {options.Seconds} s measured per operation; engines {string.Join(", ", options.Engines)}");
        Console.WriteLine($"quiet        each phase first waits for {options.QuietSeconds} s under {QuietMachine.BusyThreshold:P0} busy; a disturbed one is measured again, at most {options.Retries} times; {options.SlackSeconds} s for both in all{(options.Engines.Count > 1 ? ", shared equally by the engines" : "")}");
#if DEBUG
        Console.WriteLine("warning      a Debug build: use -c Release for figures worth keeping");
#endif

        // One real Argon2id hash at the service's costs: the users' rows carry a value of the real length.
        var costs = new PasswordHashingOptions();
        var passwordHash = Argon2idPasswordHasher.Hash("correct horse battery staple", costs.MemoryKiB, costs.Iterations);

        var engines = new List<EngineFigures>();
        foreach (var engine in options.Engines)
        {
            Console.WriteLine();
            if (BenchmarkDatabase.SkipReason(engine) is { } reason)
            {
                Console.WriteLine($"engine       {engine}: skipped, {reason}");
                engines.Add(new EngineFigures(engine, reason, null, null, null, new Dictionary<string, string>(), false, 0, []));
                continue;
            }

            engines.Add(await RunEngineAsync(engine, options, machine, passwordHash, cancellationToken));
        }

        var report = new StorageReport(machine, options, engines);
        Console.WriteLine();
        Console.Write(report.Summary());
        if (options.OutputPath is { } output)
        {
            var full = Path.GetFullPath(output);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, report.ToJson() + "\n", cancellationToken);
            Console.WriteLine($"written      {full}");
        }

        var faulty = engines.Any(e => e.Failed is not null || e.Operations.Any(o => o.Errors + o.WarmupErrors > 0));
        return faulty ? 1 : 0;
    }

    private static async Task<EngineFigures> RunEngineAsync(
        string engine, StorageRunOptions options, MachineInfo machine, string passwordHash, CancellationToken cancellationToken)
    {
        var operations = new List<OperationFigures>();
        BenchmarkDatabase? database = null;
        try
        {
            database = await BenchmarkDatabase.CreateAsync(engine, cancellationToken);
            var header = new EngineFigures(engine, null, null, database.Version, database.Location, database.Durability, database.ServerPid is not null, 0, []);
            Console.Write(StorageReport.EngineHeader(header));

            var state = new OperationState(database.Storage, passwordHash);
            var slack = new Slack(TimeSpan.FromSeconds(options.SlackSeconds) / options.Engines.Count);
            var meter = new CpuMeter(database.ServerPid);
            var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
            var duration = TimeSpan.FromSeconds(options.Seconds);
            foreach (var operation in StorageOperations.All)
            {
                if (operation.Key != "user-create" && state.UserCount == 0)
                {
                    Console.WriteLine($"{operation.Title,-32}not run: no user was created");
                    continue;
                }

                // The least disturbed of up to 1 + retries attempts: chosen by the others' share of the cores, never by the result.
                OperationFigures? kept = null;
                OperationFigures? last = null;
                for (var attempt = 1; attempt <= 1 + options.Retries; attempt++)
                {
                    var waited = await slack.WaitForQuietAsync(TimeSpan.FromSeconds(options.QuietSeconds), cancellationToken);
                    var measureStarted = Stopwatch.GetTimestamp();
                    var warmupErrors = warmup > TimeSpan.Zero
                        ? (await RunPhaseAsync(operation, state, options.Concurrency, warmup, cancellationToken)).Failed
                        : 0;
                    var before = meter.Read();
                    var measured = await RunPhaseAsync(operation, state, options.Concurrency, duration, cancellationToken);
                    var cpu = CpuMeter.Between(before, meter.Read());
                    var figures = OperationFigures.From(operation, measured, warmupErrors, cpu, machine.Cores) with
                    {
                        Attempt = attempt,
                        QuietWaitSeconds = waited is { } w ? Math.Round(w.TotalSeconds, 1) : null,
                    };
                    last = figures;
                    if (kept is null || figures.OtherLoadPercent < kept.OtherLoadPercent)
                    {
                        kept = figures;
                    }

                    if (attempt > 1)
                    {
                        // A repeat's warm-up and measurement come out of the slack too, as its wait did.
                        slack.Spend(Stopwatch.GetElapsedTime(measureStarted));
                    }

                    if (figures.OtherLoadPercent <= StorageReport.OtherLoadWarningPercent || attempt > options.Retries || !slack.Fits(warmup + duration))
                    {
                        break;
                    }

                    Console.WriteLine(StorageReport.OperationLine(figures) + "  (disturbed: measuring again)");
                }

                if (!ReferenceEquals(last, kept))
                {
                    Console.WriteLine(StorageReport.OperationLine(last!) + "  (disturbed, not kept)");
                }

                if (operation.Key == "user-create")
                {
                    state.FreezeUsers();
                }

                operations.Add(kept!);
                Console.WriteLine(StorageReport.OperationLine(kept!));
            }

            return header with { UsersCreated = state.UserCount, Operations = operations };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Console.WriteLine($"engine       {engine}: failed, {e.GetType().Name}: {e.Message}");
            return new EngineFigures(engine, null, $"{e.GetType().Name}: {e.Message}", database?.Version, database?.Location,
                database?.Durability ?? new Dictionary<string, string>(), database?.ServerPid is not null, 0, operations);
        }
        finally
        {
            if (database is not null)
            {
                await database.DisposeAsync();
            }
        }
    }

    private static Task<Measurement> RunPhaseAsync(StorageOperation operation, OperationState state, int concurrency, TimeSpan duration, CancellationToken cancellationToken) =>
        Measurement.RunAsync(concurrency, duration, loop => LoopAsync(operation, state, loop, cancellationToken));

    private static async Task LoopAsync(StorageOperation operation, OperationState state, WorkerLoop loop, CancellationToken cancellationToken)
    {
        // Leave the caller's thread at once: with a driver that blocks, the next loop would otherwise not start.
        await Task.Yield();
        while (loop.HasTimeLeft)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            string? error;
            try
            {
                error = await operation.RunOnceAsync(state, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = e is DbException { SqlState: { Length: > 0 } sqlState } ? $"{e.GetType().Name} {sqlState}" : e.GetType().Name;
                if (ReportedErrors.TryAdd($"{operation.Key} {error}", 0))
                {
                    Console.Error.WriteLine($"{operation.Title}: {error}: {e.Message}");
                }
            }

            if (error is null)
            {
                loop.Success(started);
            }
            else
            {
                loop.Failure(error);
            }
        }
    }
}
