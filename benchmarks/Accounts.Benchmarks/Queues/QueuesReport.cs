using System.Globalization;
using System.Text;
using System.Text.Json;
using Accounts.Benchmarks.Common;
using Accounts.Benchmarks.SignInLoad;

namespace Accounts.Benchmarks.Queues;

/// <summary>The figures of one "queues" run, as printed and as written to --out.</summary>
internal sealed record QueuesReport(
    MachineInfo Machine,
    QueueRunOptions Parameters,
    IReadOnlyDictionary<string, string> Setup,
    IReadOnlyList<QueuePhase> Phases,
    IReadOnlyList<QueuePhase> Discarded)
{
    public const double OtherLoadWarningPercent = 5;
    public const string Accounts = "Accounts";
    public const string Node = "Node";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private IEnumerable<QueuePhase> Measured => Phases.Where(p => p.Round > 0);

    public double MaxOtherLoadPercent => Measured.Select(p => p.OtherLoadPercent).DefaultIfEmpty(0).Max();

    public bool AllSucceeded => Phases.Concat(Discarded).All(p => p.Succeeded);

    /// <summary>Per test, the medians over the rounds, and the median of the per-round ratios Accounts ÷ Node.</summary>
    public IReadOnlyList<TestSummary> Summaries() => Measured
        .GroupBy(p => p.Test)
        .Select(test =>
        {
            var accounts = test.Where(p => p.Side == Accounts).OrderBy(p => p.Round).ToList();
            var node = test.Where(p => p.Side == Node).OrderBy(p => p.Round).ToList();
            var ratios = accounts.Join(node, a => a.Round, n => n.Round, (a, n) => Math.Round(a.JobsPerSecond / n.JobsPerSecond, 3)).ToList();
            return new TestSummary(
                test.Key,
                test.First().Jobs,
                Math.Round(Arguments.Median(accounts.Select(p => p.JobsPerSecond)), 0),
                Math.Round(Arguments.Median(node.Select(p => p.JobsPerSecond)), 0),
                Math.Round(Arguments.Median(ratios), 3),
                ratios,
                Side(accounts),
                Side(node));
        })
        .ToList();

    public static string PhaseLine(QueuePhase p)
    {
        var line = new StringBuilder();
        line.Append(Invariant($"{TestTitle(p.Test),-12} {(p.Round == 0 ? "warm-up" : $"round {p.Round}"),-8} {p.Side,-8} {p.Jobs,7} jobs in {p.Seconds,7:0.000} s = {p.JobsPerSecond,7:0} jobs/s"));
        line.Append(Invariant($"   CPU per job: worker {p.WorkerCpuUsPerJob:0.0} µs"));
        if (p.RedisCpuUsPerJob is { } redis)
        {
            line.Append(Invariant($", redis {redis:0.0} µs"));
        }

        if (p.DatabaseCpuUsPerJob is { } database)
        {
            line.Append(Invariant($", MariaDB {database:0.0} µs"));
        }

        line.Append(Invariant($"   others {p.OtherLoadPercent:0.0} %"));
        if (p.Failed > 0)
        {
            line.Append(Invariant($"   FAILED {p.Failed}: {string.Join(" | ", p.FailedReasons)}"));
        }

        if (p.RowsDeleted is { } rows && rows != p.Jobs)
        {
            line.Append(Invariant($"   ROWS DELETED {rows} of {p.Jobs}"));
        }

        if (p.Round > 0 && p.Disturbed)
        {
            line.Append("   (disturbed)");
        }

        return line.ToString();
    }

    public string Summary()
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Queues: jobs/s of Accounts' worker and a Node bull@4 worker, one after the other on the same Redis, concurrency {Parameters.Concurrency}, medians over {Parameters.Rounds} round(s)"));
        text.AppendLine();
        text.AppendLine("| Test | Jobs per round | Accounts jobs/s | Node jobs/s | Accounts ÷ Node (median) | Per round |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var s in Summaries())
        {
            text.AppendLine(Invariant($"| {TestTitle(s.Test)} | {s.Jobs} | {s.AccountsJobsPerSecond:0} | {s.NodeJobsPerSecond:0} | **{s.Ratio:0.000}** | {string.Join(", ", s.Ratios.Select(r => r.ToString("0.000", CultureInfo.InvariantCulture)))} |"));
        }

        text.AppendLine();
        text.AppendLine("Per job (medians over the rounds): CPU in µs of the worker's process, redis-server and MariaDB; Redis commands and MariaDB statements");
        text.AppendLine();
        text.AppendLine("| Test | Side | Worker CPU | redis-server CPU | MariaDB CPU | Redis commands | MariaDB statements |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in Summaries())
        {
            foreach (var side in new[] { s.AccountsSide, s.NodeSide })
            {
                text.AppendLine(Invariant($"| {TestTitle(s.Test)} | {side.Side} | {side.WorkerCpuUsPerJob:0.0} | {Show(side.RedisCpuUsPerJob)} | {Show(side.DatabaseCpuUsPerJob)} | {side.RedisCommandsPerJob:0.00} | {Show(side.DatabaseStatementsPerJob, "0.00")} |"));
            }
        }

        text.AppendLine();
        var disturbed = Measured.Count(p => p.Disturbed);
        text.AppendLine(Invariant($"Other processes took at most {MaxOtherLoadPercent:0.0} % of the cores during a kept phase; {disturbed} of {Measured.Count()} kept phases above {OtherLoadWarningPercent:0} %; {Discarded.Count} disturbed attempt(s) measured again and not kept."));
        if (disturbed > 0)
        {
            text.AppendLine("WARNING: some phases were disturbed by other processes: their rates measure the neighbours too.");
        }

        if (!AllSucceeded)
        {
            text.AppendLine("WARNING: some jobs failed or some rows were not deleted: see the phase lines above.");
        }

        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        machine = Machine,
        parameters = Parameters,
        setup = Setup,
        phases = Phases,
        discarded = Discarded,
        summary = Summaries(),
        maxOtherLoadPercent = MaxOtherLoadPercent,
        allSucceeded = AllSucceeded,
    }, Json);

    public static string TestTitle(string test) => test switch
    {
        QueueRunOptions.Noop => "no-op",
        QueueRunOptions.DeleteUser => "Delete_User",
        _ => test,
    };

    private static SideSummary Side(IReadOnlyList<QueuePhase> phases) => new(
        phases.FirstOrDefault()?.Side ?? "",
        Math.Round(Arguments.Median(phases.Select(p => p.WorkerCpuUsPerJob)), 1),
        Nullable(phases.Select(p => p.RedisCpuUsPerJob), 1),
        Nullable(phases.Select(p => p.DatabaseCpuUsPerJob), 1),
        Math.Round(Arguments.Median(phases.Select(p => p.RedisCommandsPerJob)), 2),
        Nullable(phases.Select(p => p.DatabaseStatementsPerJob), 2));

    private static double? Nullable(IEnumerable<double?> values, int digits)
    {
        var known = values.OfType<double>().ToList();
        return known.Count == 0 ? null : Math.Round(Arguments.Median(known), digits);
    }

    private static string Show(double? value, string format = "0.0") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

internal sealed record TestSummary(
    string Test,
    int Jobs,
    double AccountsJobsPerSecond,
    double NodeJobsPerSecond,
    double Ratio,
    IReadOnlyList<double> Ratios,
    SideSummary AccountsSide,
    SideSummary NodeSide);

internal sealed record SideSummary(
    string Side,
    double WorkerCpuUsPerJob,
    double? RedisCpuUsPerJob,
    double? DatabaseCpuUsPerJob,
    double RedisCommandsPerJob,
    double? DatabaseStatementsPerJob);
