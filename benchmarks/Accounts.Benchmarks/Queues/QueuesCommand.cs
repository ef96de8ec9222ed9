using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Accounts.Benchmarks.Common;
using Accounts.Benchmarks.SignInLoad;
using Accounts.Benchmarks.Storage;
using Accounts.Queues;
using Accounts.Queues.Bull;
using Accounts.Redis;

namespace Accounts.Benchmarks.Queues;

/// <summary>
/// The "queues" mode: how many jobs a second Accounts' Bull worker and a Node bull@4 worker (the original
/// deployment's) finish, on the same Redis in the same run, with the same jobs, one after the other: no-op jobs
/// (the queue machinery alone), then Delete_User jobs end to end (the real server against a Node worker doing what
/// the original's did, both on the same MariaDB server). Each side gets a warm-up batch first; rounds alternate
/// Accounts then Node, and the ratio Accounts ÷ Node is taken per round.
/// </summary>
internal static class QueuesCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        QueueRunOptions options;
        try
        {
            options = QueueRunOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        // Ctrl+C and SIGTERM end the run through the finally blocks: workers stopped, keys and databases removed.
        return await Interruptible.RunAsync(cancellationToken => new QueuesRun(options, cancellationToken).RunAsync());
    }
}

/// <summary>One run of the "queues" mode and what its phases share.</summary>
internal sealed class QueuesRun(QueueRunOptions options, CancellationToken cancellationToken)
{
    private const string MariaDbVariable = BenchmarkDatabase.MariaDbVariable;
    private const string NoopQueue = "Noop";
    private const string DeleteUserQueue = "Delete_User";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<QueuePhase> _phases = [];
    private readonly List<QueuePhase> _discarded = [];
    private readonly Dictionary<string, string> _setup = new(StringComparer.Ordinal);
    private readonly Slack _slack = new(TimeSpan.FromSeconds(options.SlackSeconds));
    private readonly string _runTag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private readonly string _secret = GatewayToken.NewSecret();
    private readonly int _cores = Environment.ProcessorCount;

    private RedisClient _redis = null!;
    private string _redisEndpoint = "";
    private QueueMeter _meter = null!;

    public async Task<int> RunAsync()
    {
        if (options.RedisOrDefault is not { } endpoint)
        {
            Console.Error.WriteLine($"Name the Redis server with --redis host:port or {QueueRunOptions.RedisVariable} (benchmarks/queues.sh starts one, or source scripts/test-servers/redis.sh and run start_redis).");
            return 2;
        }

        if (RedisInfo.ParseThrowaway(endpoint, "the Node worker is given host and port only") is not { } redisOptions)
        {
            return 2;
        }

        var admin = Environment.GetEnvironmentVariable(MariaDbVariable);
        if (options.Tests.Contains(QueueRunOptions.DeleteUser) && string.IsNullOrEmpty(admin))
        {
            Console.Error.WriteLine($"The Delete_User test needs MariaDB: {MariaDbVariable} is not set (benchmarks/queues.sh starts one, or source scripts/test-servers/mariadb.sh and run start_mariadb), or pass --tests noop.");
            return 2;
        }

        if (NodeWorker.FindOnPath("node") is not { } node)
        {
            Console.Error.WriteLine("node is not on the PATH: the other side of every test is a Node bull@4 worker.");
            return 2;
        }

        var machine = MachineInfo.Read();
        await NodeWorker.EnsureInstalledAsync(cancellationToken);
        _redisEndpoint = redisOptions.Endpoint;
        await using var redis = await RedisClient.ConnectAsync(redisOptions, cancellationToken: cancellationToken);
        _redis = redis;
        var info = await RedisInfo.ReadAsync(redis, "server", cancellationToken);
        var redisPid = RedisInfo.LocalServerPid(info, redisOptions.Host);
        _meter = new QueueMeter(redisPid, null);
        await MeasuredQueue.PrepareAsync(redis, cancellationToken);

        _setup["redis"] = $"redis-server {info.GetValueOrDefault("redis_version", "unknown")} at {redisOptions.Endpoint}{(redisPid is { } p ? $" (pid {p}, CPU measured)" : " (CPU not measured)")}";
        _setup["prefixes"] = $"qbench-{_runTag}-accounts, qbench-{_runTag}-node";
        Console.WriteLine($"machine      {machine.Cores} cores, {machine.Cpu}, {machine.Runtime}, {machine.OperatingSystem}");
        Console.WriteLine($"redis        {_setup["redis"]}");
        var sizes = options.Tests.Select(t => t == QueueRunOptions.Noop
            ? $"no-op {options.NoopJobs} jobs (warm-up {options.WarmupFor(t)})"
            : $"Delete_User {options.DeleteJobs} jobs (warm-up {options.WarmupFor(t)})");
        Console.WriteLine($"parameters   {string.Join(", ", sizes)} per side and round, concurrency {options.Concurrency}, {options.Rounds} round(s)");
        Console.WriteLine($"quiet        each measured phase first waits for {options.QuietSeconds} s under {QuietMachine.BusyThreshold:P0} busy; {options.SlackSeconds} s of waiting in all");
#if DEBUG
        Console.WriteLine("warning      a Debug build of this tool (and by default of the server): use -c Release for figures worth keeping");
#endif

        var queues = new List<MeasuredQueue>();
        var broken = false;
        try
        {
            if (options.Tests.Contains(QueueRunOptions.Noop))
            {
                await RunNoopAsync(redisOptions, node, queues);
            }

            if (options.Tests.Contains(QueueRunOptions.DeleteUser))
            {
                await RunDeleteUserAsync(node, admin!, queues);
            }
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            // A worker that stopped working (or could not start): report what was measured before it, and fail.
            Console.Error.WriteLine($"The run stopped: {e.Message}");
            broken = true;
        }
        finally
        {
            foreach (var queue in queues)
            {
                try
                {
                    await queue.RemoveAllAsync(CancellationToken.None);
                }
                catch (Exception e) when (e is RedisException or IOException or OperationCanceledException)
                {
                    Console.Error.WriteLine($"Could not remove the keys of {queue.Prefix}:{queue.Name}: {e.Message}");
                }
            }
        }

        var report = new QueuesReport(machine, options, _setup, _phases, _discarded);
        Console.WriteLine();
        Console.Write(report.Summary());
        if (options.OutputPath is { } output)
        {
            var full = Path.GetFullPath(output);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, report.ToJson() + "\n", cancellationToken);
            Console.WriteLine($"written      {full}");
        }

        return report.AllSucceeded && !broken ? 0 : 1;
    }

    /// <summary>
    /// No-op jobs: Accounts' <see cref="QueueWorker"/> in this process (a handler that returns <c>{Status: true}</c>)
    /// against <c>queue.process(5, async job => ({Status: true}))</c> in Node.
    /// </summary>
    private async Task RunNoopAsync(RedisOptions redisOptions, string node, List<MeasuredQueue> queues)
    {
        var accountsQueue = new MeasuredQueue(_redis, $"qbench-{_runTag}-accounts", NoopQueue);
        var nodeQueue = new MeasuredQueue(_redis, $"qbench-{_runTag}-node", NoopQueue);
        queues.Add(accountsQueue);
        queues.Add(nodeQueue);

        // The worker has a client of its own, as it would in a process of its own; this run's polls use the other.
        await using var workerRedis = await RedisClient.ConnectAsync(redisOptions, cancellationToken: cancellationToken);
        var bull = new BullJobQueue(workerRedis, new BullQueueOptions { Prefix = accountsQueue.Prefix });
        var handler = new DelegateJobHandler((_, _) => Task.FromResult<JsonNode?>(new JsonObject { ["Status"] = true }));
        await using var worker = bull.CreateWorker(NoopQueue, handler, new QueueWorkerOptions { Concurrency = options.Concurrency });
        await worker.StartAsync(cancellationToken);

        await using var nodeWorker = await NodeWorker.StartAsync(node, NodeConfig("noop", nodeQueue), cancellationToken);
        _setup["node"] = $"node {nodeWorker.Ready["node"]}, bull {nodeWorker.Ready["bull"]} (pid {nodeWorker.Id})";
        Console.WriteLine($"no-op        Accounts: QueueWorker in this process (pid {Environment.ProcessId}); Node: {_setup["node"]}");

        // Fresh ids for every batch: a job id, or a job's data, is never seen twice by a worker.
        var batch = 0;
        List<(string Id, string Token)> Batch(int count) => Jobs($"noop{++batch}", count);
        var warmup = options.WarmupFor(QueueRunOptions.Noop);
        if (warmup > 0)
        {
            await MeasureKeptAsync(QueueRunOptions.Noop, QueuesReport.Accounts, 0, accountsQueue, _ => Batch(warmup), null, [nodeWorker.Id], null, null);
            await MeasureKeptAsync(QueueRunOptions.Noop, QueuesReport.Node, 0, nodeQueue, _ => Batch(warmup), nodeWorker.Id, [], null, null);
        }

        for (var round = 1; round <= options.Rounds; round++)
        {
            await MeasureKeptAsync(QueueRunOptions.Noop, QueuesReport.Accounts, round, accountsQueue, _ => Batch(options.NoopJobs), null, [nodeWorker.Id], null, null);
            await MeasureKeptAsync(QueueRunOptions.Noop, QueuesReport.Node, round, nodeQueue, _ => Batch(options.NoopJobs), nodeWorker.Id, [], null, null);
        }

        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await worker.StopAsync(stopping.Token);
        if (nodeWorker.Output() is { Length: > 0 } said)
        {
            Console.WriteLine($"node said    {said.Trim()}");
        }
    }

    /// <summary>
    /// Delete_User jobs end to end: the real server (<c>dotnet Accounts.Server.dll</c>, working only Delete_User,
    /// trusting the gateway's tokens) against the Node worker's token check and <c>DELETE FROM Users WHERE Id = ?</c>,
    /// each on its own database of the same MariaDB server, with the same accounts.
    /// </summary>
    private async Task RunDeleteUserAsync(string node, string admin, List<MeasuredQueue> queues)
    {
        var serverPath = Path.GetFullPath(options.ServerPath ?? ServerProcess.DefaultServerPath());

        // Every batch deletes accounts of its own: the warm-up's, each round's, and spare batches for measuring a
        // disturbed phase again (each side takes them in the same order from the same ids, in its own database).
        var warmup = options.WarmupFor(QueueRunOptions.DeleteUser);
        var total = warmup + ((options.Rounds + options.Retries) * options.DeleteJobs);
        Console.WriteLine($"accounts     creating {total} accounts on each side (MariaDB, before any clock starts)");
        await using var fixture = await DeleteUserFixture.CreateAsync(admin, _runTag, total, cancellationToken);
        _meter.DatabasePid = fixture.Accounts.ServerPid;
        _setup["mariadb"] = $"{fixture.Accounts.Version}{(fixture.Accounts.ServerPid is { } pid ? $" (pid {pid}, CPU measured)" : " (CPU not measured)")}, "
            + string.Join(", ", fixture.Accounts.Durability.Select(kv => $"{kv.Key}={kv.Value}"));
        _setup["databases"] = $"Accounts: {fixture.Accounts.Location}; Node: {fixture.NodeDatabase}";
        _setup["server"] = serverPath;
        Console.WriteLine($"mariadb      {_setup["mariadb"]}");
        Console.WriteLine($"databases    {_setup["databases"]}");
        Console.WriteLine($"server       {serverPath}");

        var accountsQueue = new MeasuredQueue(_redis, $"qbench-{_runTag}-accounts", DeleteUserQueue);
        var nodeQueue = new MeasuredQueue(_redis, $"qbench-{_runTag}-node", DeleteUserQueue);
        queues.Add(accountsQueue);
        queues.Add(nodeQueue);

        var settings = fixture.ServerSettings();
        settings["Accounts__Redis"] = _redisEndpoint;
        settings["Accounts__Queues__Prefix"] = accountsQueue.Prefix;
        settings["Accounts__Queues__Enabled"] = DeleteUserQueue;
        settings["Accounts__Queues__Concurrency"] = options.Concurrency.ToString(CultureInfo.InvariantCulture);
        settings["Accounts__Queues__LegacyTokenSecret"] = _secret;
        settings["Accounts__Tcp__Port"] = "0";

        var workingDirectory = Directory.CreateTempSubdirectory("accounts-queues-bench-").FullName;
        try
        {
            await using var server = await ServerProcess.StartAsync(
                serverPath, workingDirectory, Path.Combine(workingDirectory, "data"), settings, StartTimeout, cancellationToken);
            var config = NodeConfig("delete", nodeQueue);
            config["secret"] = _secret;
            config["mysql"] = fixture.NodeConnection();
            await using var nodeWorker = await NodeWorker.StartAsync(node, config, cancellationToken);
            _setup["node"] = $"node {nodeWorker.Ready["node"]}, bull {nodeWorker.Ready["bull"]}, mysql2 {nodeWorker.Ready["mysql2"]}";
            Console.WriteLine($"Delete_User  Accounts: server pid {server.Id} ({server.BaseAddress}); Node: {_setup["node"]} (pid {nodeWorker.Id})");

            var taken = new Dictionary<string, int>(StringComparer.Ordinal) { [QueuesReport.Accounts] = 0, [QueuesReport.Node] = 0 };
            List<(string Id, string Token)>? Batch(string side, int count, int attempt)
            {
                var first = taken[side];
                if (attempt > 1 && first + count > total)
                {
                    return null;
                }

                taken[side] = first + count;
                return [.. Enumerable.Range(first, count).Select(i => Job(fixture.IdAt(i)))];
            }

            for (var round = warmup > 0 ? 0 : 1; round <= options.Rounds; round++)
            {
                var count = round == 0 ? warmup : options.DeleteJobs;
                try
                {
                    await MeasureKeptAsync(
                        QueueRunOptions.DeleteUser, QueuesReport.Accounts, round, accountsQueue, attempt => Batch(QueuesReport.Accounts, count, attempt),
                        server.Id, [nodeWorker.Id], fixture, fixture.CountAccountsRowsAsync);
                }
                catch (TimeoutException e)
                {
                    throw new TimeoutException($"{e.Message} The server's last output:\n{server.LastLines()}", e);
                }

                try
                {
                    await MeasureKeptAsync(
                        QueueRunOptions.DeleteUser, QueuesReport.Node, round, nodeQueue, attempt => Batch(QueuesReport.Node, count, attempt),
                        nodeWorker.Id, [server.Id], fixture, fixture.CountNodeRowsAsync);
                }
                catch (TimeoutException e)
                {
                    throw new TimeoutException($"{e.Message} The Node worker's output:\n{nodeWorker.Output()}", e);
                }
            }

            if (nodeWorker.Output() is { Length: > 0 } said)
            {
                Console.WriteLine($"node said    {said.Trim()}");
            }
        }
        finally
        {
            RunDirectory.TryDelete(workingDirectory);
        }
    }

    /// <summary>
    /// Measures one side's phase of a round; a measured phase during which other processes took more than
    /// <see cref="QueuesReport.OtherLoadWarningPercent"/> of the cores is measured again with a new batch, at most
    /// <c>--retries</c> times while the slack lasts (and, for Delete_User, while spare accounts last), and the least
    /// disturbed attempt is kept: chosen by the others' share of the cores, never by the result.
    /// </summary>
    private async Task MeasureKeptAsync(
        string test,
        string side,
        int round,
        MeasuredQueue queue,
        Func<int, IReadOnlyList<(string Id, string Token)>?> batch,
        int? workerPid,
        IReadOnlyCollection<int> idlePids,
        DeleteUserFixture? database,
        Func<CancellationToken, Task<long>>? countRows)
    {
        QueuePhase? kept = null;
        var attempts = new List<QueuePhase>();
        for (var attempt = 1; ; attempt++)
        {
            if (batch(attempt) is not { } jobs)
            {
                Console.WriteLine($"{QueuesReport.TestTitle(test),-12} no spare accounts left to measure the phase again");
                break;
            }

            var started = Stopwatch.GetTimestamp();
            var phase = await MeasureAsync(test, side, round, attempt, queue, jobs, workerPid, idlePids, database, countRows);
            var length = Stopwatch.GetElapsedTime(started);
            if (attempt > 1)
            {
                // A repeat comes out of the slack, as its wait did.
                _slack.Spend(length);
            }

            attempts.Add(phase);
            if (kept is null || phase.OtherLoadPercent < kept.OtherLoadPercent)
            {
                kept = phase;
            }

            if (round == 0 || !phase.Disturbed || attempt > options.Retries || !_slack.Fits(length))
            {
                Console.WriteLine(QueuesReport.PhaseLine(phase));
                break;
            }

            Console.WriteLine(QueuesReport.PhaseLine(phase) + "  (measuring again)");
        }

        if (kept is null)
        {
            return;
        }

        _phases.Add(kept);
        _discarded.AddRange(attempts.Where(p => !ReferenceEquals(p, kept)));
        if (!ReferenceEquals(kept, attempts[^1]))
        {
            Console.WriteLine(QueuesReport.PhaseLine(kept) + "  (kept: the least disturbed attempt)");
        }
    }

    private async Task<QueuePhase> MeasureAsync(
        string test,
        string side,
        int round,
        int attempt,
        MeasuredQueue queue,
        IReadOnlyList<(string Id, string Token)> jobs,
        int? workerPid,
        IReadOnlyCollection<int> idlePids,
        DeleteUserFixture? database,
        Func<CancellationToken, Task<long>>? countRows)
    {
        await queue.FillPausedAsync(jobs, cancellationToken);
        var rowsBefore = countRows is null ? (long?)null : await countRows(cancellationToken);
        double? waited = null;
        if (round > 0)
        {
            var wait = await _slack.WaitForQuietAsync(TimeSpan.FromSeconds(options.QuietSeconds), cancellationToken);
            waited = wait is { } w ? Math.Round(w.TotalSeconds, 1) : null;
        }

        var commandsBefore = await TotalCommandsAsync();
        var statementsBefore = database is null ? 0 : await database.QuestionsAsync(cancellationToken);
        var before = _meter.Read(workerPid, idlePids);
        var drain = await queue.ResumeAndDrainAsync(jobs.Count, cancellationToken);
        var after = _meter.Read(workerPid, idlePids);
        var statementsAfter = database is null ? 0 : await database.QuestionsAsync(cancellationToken);
        var commandsAfter = await TotalCommandsAsync();

        // Take away this run's own commands: the INFO before, the resume and the polls (each EVALSHA with its calls).
        var ownCommands = 1 + MeasuredQueue.CommandsPerResume + ((long)drain.Polls * MeasuredQueue.CommandsPerPoll);
        var redisCommands = (double)(commandsAfter - commandsBefore - ownCommands) / jobs.Count;

        // ... and the one SHOW GLOBAL STATUS counted between the two readings.
        double? statements = database is null ? null : (double)(statementsAfter - statementsBefore - 1) / jobs.Count;
        long? rowsDeleted = countRows is null ? null : rowsBefore - await countRows(cancellationToken);
        var reasons = drain.Failed > 0 ? await queue.TakeFailedReasonsAsync(3, cancellationToken) : [];
        return QueuePhase.From(
            test, side, round, attempt, jobs.Count, drain, reasons, rowsDeleted, before, after, redisCommands, statements, waited, _cores);
    }

    private async Task<long> TotalCommandsAsync() =>
        long.Parse((await RedisInfo.ReadAsync(_redis, "stats", cancellationToken)).GetValueOrDefault("total_commands_processed", "0"), CultureInfo.InvariantCulture);

    private JsonObject NodeConfig(string kind, MeasuredQueue queue) => new()
    {
        ["kind"] = kind,
        ["redis"] = _redisEndpoint,
        ["prefix"] = queue.Prefix,
        ["queue"] = queue.Name,
        ["concurrency"] = options.Concurrency,
    };

    /// <summary>Jobs <c>{Id, Token}</c> for ids <c>&lt;prefix&gt;-000001</c>, ... as the gateway sends them.</summary>
    private List<(string Id, string Token)> Jobs(string prefix, int count) =>
        [.. Enumerable.Range(1, count).Select(i => Job(string.Create(CultureInfo.InvariantCulture, $"{prefix}-{_runTag}-{i:D6}")))];

    private (string Id, string Token) Job(string id) => (id, GatewayToken.Mint(Encoding.UTF8.GetBytes(_secret), id, DateTimeOffset.UtcNow));
}
