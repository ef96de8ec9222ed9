using System.Globalization;
using System.Text;
using System.Text.Json;
using Accounts.Benchmarks.SignInLoad;

namespace Accounts.Benchmarks.Storage;

/// <summary>The figures of one "storage" run, as printed and as written to --out.</summary>
internal sealed record StorageReport(MachineInfo Machine, StorageRunOptions Parameters, IReadOnlyList<EngineFigures> Engines)
{
    /// <summary>Above this share of the cores taken by other processes during a phase, its figure says as much about them.</summary>
    public const double OtherLoadWarningPercent = 5;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The engine the ratios are relative to: SQLite when it was measured, else the first engine that was.</summary>
    public string? Baseline => Measured.Select(e => e.Engine).OrderBy(e => e == "sqlite" ? 0 : 1).FirstOrDefault();

    public double MaxOtherLoadPercent => Measured.SelectMany(e => e.Operations).Select(o => o.OtherLoadPercent).DefaultIfEmpty(0).Max();

    public bool Trustworthy => !(MaxOtherLoadPercent > OtherLoadWarningPercent);

    private IEnumerable<EngineFigures> Measured => Engines.Where(e => e.Operations.Count > 0);

    /// <summary>Operations per second of each engine divided by the baseline's, per operation.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Ratios()
    {
        var baseline = Engines.FirstOrDefault(e => e.Engine == Baseline);
        var ratios = new Dictionary<string, IReadOnlyDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var operation in baseline?.Operations ?? [])
        {
            var row = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var engine in Measured)
            {
                var other = engine.Operations.FirstOrDefault(o => o.Operation == operation.Operation);
                row[engine.Engine] = other is not null && operation.PerSecond > 0 ? Math.Round(other.PerSecond / operation.PerSecond, 3) : double.NaN;
            }

            ratios[operation.Operation] = row;
        }

        return ratios;
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        machine = Machine,
        parameters = Parameters,
        engines = Engines,
        baseline = Baseline,
        ratios = Ratios().ToDictionary(r => r.Key, r => r.Value.ToDictionary(v => v.Key, v => double.IsFinite(v.Value) ? v.Value : (double?)null)),
        maxOtherLoadPercent = Math.Round(MaxOtherLoadPercent, 1),
        trustworthy = Trustworthy,
    }, Json);

    public static string EngineHeader(EngineFigures engine)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"engine       {engine.Engine}: {engine.Version}, {engine.Location}");
        text.AppendLine(c, $"durability   {string.Join(", ", engine.Durability.Select(d => $"{d.Key}={d.Value}"))}");
        text.AppendLine(c, $"server CPU   {(engine.Engine == "sqlite" ? "in this process (embedded)" : engine.ServerCpuMeasured ? "measured from /proc" : "not measured (server not found on this machine): 'others' below includes it")}");
        text.AppendLine(c, $"{"operation",-32}{"ops/s",10}{"calls/s",10}{"p50 ms",9}{"p95 ms",9}{"errors",8}{"client CPU",12}{"server CPU",12}{"busy",7}{"others",8}");
        text.AppendLine(c, $"{"",-32}{"",10}{"",10}{"",9}{"",9}{"",8}{"ms/op",12}{"ms/op",12}{"%",7}{"%",8}");
        return text.ToString();
    }

    public static string OperationLine(OperationFigures o) => string.Create(
        CultureInfo.InvariantCulture,
        $"{o.Title,-32}{o.PerSecond,10:0.0}{o.CallsPerSecond,10:0.0}{o.LatencyP50Ms,9:0.00}{o.LatencyP95Ms,9:0.00}{o.Errors,8}{o.ClientCpuMsPerOperation,12:0.000}{o.ServerCpuMsPerOperation,12:0.000}{o.MachineBusyPercent,7:0}{o.OtherLoadPercent,8:0}{(o.OtherLoadPercent > OtherLoadWarningPercent ? " *" : "")}{(o.Attempt > 1 ? $"  (attempt {o.Attempt})" : "")}");

    public string Summary()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        foreach (var engine in Engines.Where(e => e.Operations.Count == 0))
        {
            text.AppendLine(c, $"{engine.Engine,-12} {(engine.Skipped is not null ? "skipped: " + engine.Skipped : "failed: " + engine.Failed)}");
        }

        if (Baseline is { } baseline && Measured.Count() > 1)
        {
            var engines = Measured.Select(e => e.Engine).ToList();
            text.AppendLine();
            text.AppendLine(c, $"operations per second relative to {baseline}");
            text.AppendLine(c, $"{"operation",-32}{string.Concat(engines.Select(e => $"{e,10}"))}");
            var titles = Measured.SelectMany(e => e.Operations).GroupBy(o => o.Operation).ToDictionary(g => g.Key, g => g.First().Title, StringComparer.Ordinal);
            foreach (var (operation, row) in Ratios())
            {
                text.AppendLine(c, $"{titles[operation],-32}{string.Concat(engines.Select(e => $"{row.GetValueOrDefault(e, double.NaN),10:0.00}"))}");
            }
        }

        text.AppendLine();
        var phases = Measured.SelectMany(e => e.Operations).ToList();
        text.AppendLine(c, $"others       up to {MaxOtherLoadPercent:0.0} % of the cores went to other processes during a measured phase");
        if (!Trustworthy)
        {
            text.AppendLine(c, $"WARNING      {phases.Count(o => o.OtherLoadPercent > OtherLoadWarningPercent)} of {phases.Count} phases (marked *) above {OtherLoadWarningPercent:0} %: the machine was not quiet then; run again before comparing those figures");
        }

        foreach (var engine in Measured)
        {
            foreach (var operation in engine.Operations.Where(o => o.Errors + o.WarmupErrors > 0))
            {
                text.AppendLine(c, $"errors       {engine.Engine} {operation.Title}: {string.Join(", ", operation.ErrorsByKind.Select(e => $"{e.Key} x{e.Value}"))}; {operation.WarmupErrors} during warm-up");
            }
        }

        return text.ToString();
    }
}

/// <summary>One engine's run: skipped (its server variable is not set), failed (set-up or a fault), or measured.</summary>
internal sealed record EngineFigures(
    string Engine,
    string? Skipped,
    string? Failed,
    string? Version,
    string? Location,
    IReadOnlyDictionary<string, string> Durability,
    bool ServerCpuMeasured,
    int UsersCreated,
    IReadOnlyList<OperationFigures> Operations);

/// <summary>One operation's measured phase on one engine.</summary>
internal sealed record OperationFigures(
    string Operation,
    string Title,
    string Calls,
    int CallsPerOperation,
    int Count,
    int Errors,
    int WarmupErrors,
    IReadOnlyDictionary<string, int> ErrorsByKind,
    double ElapsedSeconds,
    double PerSecond,
    double CallsPerSecond,
    double LatencyP50Ms,
    double LatencyP95Ms,
    double LatencyP99Ms,
    double ClientCpuMsPerOperation,
    double ServerCpuMsPerOperation,
    double MachineBusyPercent,
    double RunBusyPercent,
    double OtherLoadPercent)
{
    /// <summary>Which attempt these figures are from (see --retries).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>How long the phase waited for a quiet machine; null when it gave up waiting.</summary>
    public double? QuietWaitSeconds { get; init; }

    public static OperationFigures From(StorageOperation operation, Measurement measured, int warmupErrors, PhaseCpu cpu, int cores)
    {
        var machine = cpu.MachineBusyPercent;
        var run = cpu.RunBusyPercent(measured.Elapsed, cores);
        return new OperationFigures(
            operation.Key,
            operation.Title,
            operation.Calls,
            operation.CallsPerOperation,
            measured.Succeeded,
            measured.Failed,
            warmupErrors,
            measured.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            Round(measured.Elapsed.TotalSeconds, 3),
            Round(measured.PerSecond, 1),
            Round(measured.PerSecond * operation.CallsPerOperation, 1),
            Round(measured.LatencyMs(0.50), 3),
            Round(measured.LatencyMs(0.95), 3),
            Round(measured.LatencyMs(0.99), 3),
            Round(PerOperationMs(cpu.Client, measured.Succeeded), 4),
            Round(PerOperationMs(cpu.Server, measured.Succeeded), 4),
            Round(machine, 1),
            Round(run, 1),
            Round(Math.Max(0, machine - run), 1));
    }

    private static double PerOperationMs(TimeSpan cpu, int operations) => operations > 0 ? cpu.TotalMilliseconds / operations : double.NaN;

    private static double Round(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits) : 0;
}
