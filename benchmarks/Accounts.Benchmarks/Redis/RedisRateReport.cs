using System.Globalization;
using System.Text;
using System.Text.Json;
using Accounts.Benchmarks.Common;
using Accounts.Benchmarks.SignInLoad;

namespace Accounts.Benchmarks.Redis;

/// <summary>The figures of one "redis" run, as printed and as written to --out.</summary>
internal sealed record RedisRateReport(
    MachineInfo Machine,
    RedisRateOptions Parameters,
    string Server,
    string ServerVersion,
    bool ServerCpuMeasured,
    string RedisBenchmark,
    IReadOnlyList<RoundFigures> Rounds,
    RedisRateReport.Cleanup LeftBehind)
{
    public const double OtherLoadWarningPercent = 5;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public double MaxOtherLoadPercent => Rounds.Select(r => r.OtherLoadPercent).DefaultIfEmpty(0).Max();

    public bool Trustworthy => !(MaxOtherLoadPercent > OtherLoadWarningPercent);

    /// <summary>Per pipeline depth, the medians over the rounds.</summary>
    public IReadOnlyList<PipelineSummary> Summaries() => Rounds
        .GroupBy(r => r.Pipeline)
        .Select(g => new PipelineSummary(
            g.Key,
            Round(Arguments.Median(g.Select(r => r.OursSet.PerSecond)), 0),
            Round(Arguments.Median(g.Select(r => r.RedisBenchmarkSetPerSecond)), 0),
            Round(Arguments.Median(g.Select(r => r.SetRatio)), 3),
            [.. g.Select(r => r.SetRatio)],
            Round(Arguments.Median(g.Select(r => r.OursGet.PerSecond)), 0),
            Round(Arguments.Median(g.Select(r => r.RedisBenchmarkGetPerSecond)), 0),
            Round(Arguments.Median(g.Select(r => r.GetRatio)), 3),
            [.. g.Select(r => r.GetRatio)],
            Round(Arguments.Median(g.SelectMany(r => new[] { r.OursSet.ClientCpuUsPerRequest, r.OursGet.ClientCpuUsPerRequest })), 2),
            Round(Arguments.Median(g.Select(r => r.RedisBenchmarkRun.ClientCpuUsPerRequest)), 2),
            Round(Arguments.Median(g.SelectMany(r => new[] { r.OursSet.ServerCpuUsPerRequest, r.OursGet.ServerCpuUsPerRequest })), 2),
            Round(Arguments.Median(g.Select(r => r.RedisBenchmarkRun.ServerCpuUsPerRequest)), 2)))
        .ToList();

    public string ToJson() => JsonSerializer.Serialize(new
    {
        machine = Machine,
        parameters = Parameters,
        server = Server,
        serverVersion = ServerVersion,
        serverCpuMeasured = ServerCpuMeasured,
        redisBenchmark = RedisBenchmark,
        rounds = Rounds,
        summary = Summaries(),
        leftBehind = LeftBehind,
        maxOtherLoadPercent = Round(MaxOtherLoadPercent, 1),
        trustworthy = Trustworthy,
    }, Json);

    public static string RoundLine(RoundFigures r) => string.Create(
        CultureInfo.InvariantCulture,
        $"round {r.Round}  P={r.Pipeline,-3} SET ours {r.OursSet.PerSecond,9:0}/s  redis-benchmark {r.RedisBenchmarkSetPerSecond,9:0}/s  ratio {r.SetRatio:0.000} | GET ours {r.OursGet.PerSecond,9:0}/s  redis-benchmark {r.RedisBenchmarkGetPerSecond,9:0}/s  ratio {r.GetRatio:0.000} | others {r.OtherLoadPercent:0} %{(r.OtherLoadPercent > OtherLoadWarningPercent ? " *" : "")}{(r.OursSet.Errors + r.OursGet.Errors > 0 ? $" | errors {r.OursSet.Errors + r.OursGet.Errors}" : "")}{(r.Attempt > 1 ? $"  (attempt {r.Attempt})" : "")}");

    public string Summary()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"medians of {Parameters.Rounds} round(s); ratio = ours / redis-benchmark, per round, then the median");
        text.AppendLine(c, $"{"pipeline",-10}{"command",-9}{"ours/s",12}{"redis-bench/s",15}{"ratio",8}  rounds");
        foreach (var s in Summaries())
        {
            text.AppendLine(c, $"{"P=" + s.Pipeline,-10}{"SET",-9}{s.OursSetPerSecond,12:0}{s.RedisBenchmarkSetPerSecond,15:0}{s.SetRatio,8:0.000}  {string.Join(" ", s.SetRatios.Select(r => r.ToString("0.000", c)))}");
            text.AppendLine(c, $"{"",-10}{"GET",-9}{s.OursGetPerSecond,12:0}{s.RedisBenchmarkGetPerSecond,15:0}{s.GetRatio,8:0.000}  {string.Join(" ", s.GetRatios.Select(r => r.ToString("0.000", c)))}");
        }

        text.AppendLine();
        text.AppendLine("CPU per request, µs (median): the client's side / redis-server's");
        foreach (var s in Summaries())
        {
            text.AppendLine(c, $"{"P=" + s.Pipeline,-10}ours {s.OursClientCpuUsPerRequest:0.00} / {s.OursServerCpuUsPerRequest:0.00}   redis-benchmark {s.RedisBenchmarkClientCpuUsPerRequest:0.00} / {s.RedisBenchmarkServerCpuUsPerRequest:0.00}");
        }

        text.AppendLine();
        text.AppendLine(c, $"others       up to {MaxOtherLoadPercent:0.0} % of the cores went to other processes during a measured phase");
        if (!Trustworthy)
        {
            var noisy = Rounds.Count(r => r.OtherLoadPercent > OtherLoadWarningPercent);
            text.AppendLine(c, $"WARNING      {noisy} of {Rounds.Count} rounds (marked *) above {OtherLoadWarningPercent:0} %: the machine was not quiet then; run again before comparing those figures");
        }

        text.AppendLine(c, $"cleanup      keys before {LeftBehind.KeysBefore}, after {LeftBehind.KeysAfter}{(LeftBehind.KeysBefore == LeftBehind.KeysAfter ? " (server left as found)" : " (NOT as found)")}");
        return text.ToString();
    }

    private static double Round(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits) : 0;

    internal sealed record Cleanup(long KeysBefore, long KeysAfter);
}

/// <summary>One round at one pipeline depth: our SET, our GET, then one redis-benchmark run of both.</summary>
internal sealed record RoundFigures(
    int Round,
    int Pipeline,
    RateFigures OursSet,
    RateFigures OursGet,
    double RedisBenchmarkSetPerSecond,
    double RedisBenchmarkGetPerSecond,
    RateFigures RedisBenchmarkRun,
    double SetRatio,
    double GetRatio)
{
    /// <summary>Which attempt these figures are from (see --retries).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>How long the round waited for a quiet machine; null when it gave up waiting.</summary>
    public double? QuietWaitSeconds { get; init; }

    /// <summary>The largest share of the cores other processes took during one of the round's three phases.</summary>
    public double OtherLoadPercent => Math.Max(Math.Max(OursSet.OtherLoadPercent, OursGet.OtherLoadPercent), RedisBenchmarkRun.OtherLoadPercent);
}

/// <summary>
/// One measured phase. For redis-benchmark it is the whole process run (start, SET, GET, exit): its requests per
/// second are redis-benchmark's own figures above, and this record only holds its CPU use per request.
/// </summary>
internal sealed record RateFigures(
    int Requests,
    int Errors,
    double ElapsedSeconds,
    double PerSecond,
    double ClientCpuUsPerRequest,
    double ServerCpuUsPerRequest,
    double MachineBusyPercent,
    double RunBusyPercent,
    double OtherLoadPercent)
{
    public static RateFigures From(int requests, int errors, TimeSpan elapsed, PhaseCpu cpu, int cores)
    {
        var machine = cpu.MachineBusyPercent;
        var run = cpu.RunBusyPercent(elapsed, cores);
        return new RateFigures(
            requests,
            errors,
            Math.Round(elapsed.TotalSeconds, 3),
            Round(elapsed > TimeSpan.Zero ? (requests - errors) / elapsed.TotalSeconds : 0, 0),
            Round(requests > 0 ? cpu.Client.TotalMicroseconds / requests : double.NaN, 3),
            Round(requests > 0 ? cpu.Server.TotalMicroseconds / requests : double.NaN, 3),
            Round(machine, 1),
            Round(run, 1),
            Round(Math.Max(0, machine - run), 1));
    }

    private static double Round(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits) : 0;
}

/// <summary>The medians over the rounds at one pipeline depth.</summary>
internal sealed record PipelineSummary(
    int Pipeline,
    double OursSetPerSecond,
    double RedisBenchmarkSetPerSecond,
    double SetRatio,
    IReadOnlyList<double> SetRatios,
    double OursGetPerSecond,
    double RedisBenchmarkGetPerSecond,
    double GetRatio,
    IReadOnlyList<double> GetRatios,
    double OursClientCpuUsPerRequest,
    double RedisBenchmarkClientCpuUsPerRequest,
    double OursServerCpuUsPerRequest,
    double RedisBenchmarkServerCpuUsPerRequest);
