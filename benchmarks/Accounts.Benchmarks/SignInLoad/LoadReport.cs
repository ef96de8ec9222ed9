using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Accounts.Benchmarks.SignInLoad;

/// <summary>The figures of one load run, as printed and as written to --out.</summary>
internal sealed record LoadReport(
    MachineInfo Machine,
    LoadReport.RunParameters Parameters,
    LoadReport.SignIns SignInFigures,
    LoadReport.RawVerifies RawVerifyFigures)
{
    /// <summary>The issue's target: the service adds less than this to the cost of the hash.</summary>
    public const double TargetOverheadPercent = 5;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public double Ratio => RawVerifyFigures.PerSecond > 0 ? SignInFigures.PerSecond / RawVerifyFigures.PerSecond : double.NaN;

    public double OverheadPercent => (1 - Ratio) * 100;

    /// <summary>Null when other processes took enough of the cores that the ratio cannot judge the service.</summary>
    public bool? TargetMet => Trustworthy ? OverheadPercent < TargetOverheadPercent : null;

    public bool Trustworthy => !(OtherLoadPercent > OtherLoadWarningPercent);

    /// <summary>
    /// The server's CPU time per sign-in beyond one raw verification's, as a share of the former: what the service
    /// adds in CPU alone, less sensitive than the throughput ratio to waits and to other load on the machine.
    /// </summary>
    public double ServerCpuBeyondHashPercent => SignInFigures.ServerCpuMsPerSignIn > 0
        ? (SignInFigures.ServerCpuMsPerSignIn - RawVerifyFigures.CpuMsPerVerify) / SignInFigures.ServerCpuMsPerSignIn * 100
        : double.NaN;

    /// <summary>The larger share of the cores that processes outside this run used during either phase, in percent.</summary>
    public double OtherLoadPercent => Math.Max(
        Math.Max(0, SignInFigures.MachineBusyPercent - SignInFigures.RunBusyPercent),
        Math.Max(0, RawVerifyFigures.MachineBusyPercent - RawVerifyFigures.RunBusyPercent));

    /// <summary>Above this share of the cores taken by other processes during a phase, the ratio says more about them than about the service.</summary>
    public const double OtherLoadWarningPercent = 5;

    public static LoadReport From(MachineInfo machine, RunParameters parameters, Measurement signIns, int warmupErrors, PhaseCpu signInCpu, Measurement raw, PhaseCpu rawCpu) =>
        new(
            machine,
            parameters,
            new SignIns(
                signIns.Succeeded,
                signIns.Failed,
                warmupErrors,
                signIns.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
                Round(signIns.Elapsed.TotalSeconds),
                Round(signIns.PerSecond),
                Round(signIns.LatencyMs(0.50)),
                Round(signIns.LatencyMs(0.95)),
                Round(signIns.LatencyMs(0.99)),
                Round(signIns.MeanLatencyMs),
                Round(PerOperationMs(signInCpu.Server, signIns.Succeeded)),
                Round(PerOperationMs(signInCpu.Client, signIns.Succeeded)),
                Round(signInCpu.MachineBusyPercent, 1),
                Round(signInCpu.RunBusyPercent(signIns.Elapsed, machine.Cores), 1)),
            new RawVerifies(
                raw.Succeeded,
                raw.Failed,
                Round(raw.Elapsed.TotalSeconds),
                Round(raw.PerSecond),
                Round(raw.LatencyMs(0.50)),
                Round(raw.LatencyMs(0.95)),
                Round(PerOperationMs(rawCpu.Client, raw.Succeeded)),
                Round(rawCpu.MachineBusyPercent, 1),
                Round(rawCpu.RunBusyPercent(raw.Elapsed, machine.Cores), 1)));

    public string ToJson() => JsonSerializer.Serialize(new
    {
        machine = Machine,
        parameters = Parameters,
        signIns = SignInFigures,
        rawVerifies = RawVerifyFigures,
        ratio = Round(Ratio, 4),
        overheadPercent = Round(OverheadPercent, 2),
        targetOverheadPercent = TargetOverheadPercent,
        targetMet = TargetMet,
        trustworthy = Trustworthy,
        serverCpuBeyondHashPercent = Round(ServerCpuBeyondHashPercent, 1),
        otherLoadPercent = Round(OtherLoadPercent, 1),
    }, Json);

    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var s = SignInFigures;
        var r = RawVerifyFigures;
        var text = new StringBuilder();
        text.AppendLine(c, $"machine      {Machine.Cores} cores, {Machine.Cpu}, {Machine.Runtime}, {Machine.OperatingSystem}");
        text.AppendLine(c, $"parameters   Argon2id m={Parameters.MemoryKiB} KiB t={Parameters.Iterations}; concurrency {Parameters.Concurrency}; {Parameters.Seconds} s measured after {Parameters.WarmupSeconds} s warm-up, per phase");
        text.AppendLine();
        text.AppendLine(c, $"{"",-26}{"count",8}{"errors",8}{"per s",10}{"p50 ms",10}{"p95 ms",10}{"CPU ms/op",12}");
        text.AppendLine(c, $"{"sign-ins (HTTP, server)",-26}{s.Count,8}{s.Errors,8}{s.PerSecond,10:0.00}{s.LatencyP50Ms,10:0.0}{s.LatencyP95Ms,10:0.0}{s.ServerCpuMsPerSignIn,12:0.0}");
        text.AppendLine(c, $"{"raw Argon2id verifies",-26}{r.Count,8}{r.Errors,8}{r.PerSecond,10:0.00}{r.LatencyP50Ms,10:0.0}{r.LatencyP95Ms,10:0.0}{r.CpuMsPerVerify,12:0.0}");
        text.AppendLine();
        text.AppendLine(c, $"load client CPU           {s.ClientCpuMsPerSignIn:0.0} ms per sign-in (shares the same cores as the server)");
        text.AppendLine(c, $"server CPU beyond hash    {s.ServerCpuMsPerSignIn - r.CpuMsPerVerify:0.0} ms per sign-in ({ServerCpuBeyondHashPercent:0.0} % of the server's CPU per sign-in)");
        text.AppendLine(c, $"cores busy                sign-ins {s.MachineBusyPercent:0} % (this run {s.RunBusyPercent:0} %), raw verifies {r.MachineBusyPercent:0} % (this run {r.RunBusyPercent:0} %)");
        text.AppendLine(c, $"ratio sign-ins/raw        {Ratio:0.000}");
        text.AppendLine(c, $"overhead (1 - ratio)      {OverheadPercent:0.0} %  (target < {TargetOverheadPercent:0} %: {TargetMet switch { true => "met", false => "NOT met", null => "not judged, see the warning" }})");
        if (!Trustworthy)
        {
            text.AppendLine(c, $"WARNING                   other processes took up to {OtherLoadPercent:0} % of the cores during a phase: run again on a quiet machine");
        }

        if (s.Errors + s.WarmupErrors > 0)
        {
            text.AppendLine(c, $"sign-in errors            {string.Join(", ", s.ErrorsByKind.Select(e => $"{e.Key} x{e.Value}"))}; {s.WarmupErrors} during warm-up");
        }

        return text.ToString();
    }

    private static double PerOperationMs(TimeSpan cpu, int operations) => operations > 0 ? cpu.TotalMilliseconds / operations : double.NaN;

    private static double Round(double value, int digits = 2) => double.IsFinite(value) ? Math.Round(value, digits) : 0;

    internal sealed record RunParameters(int Seconds, int WarmupSeconds, int Concurrency, int MemoryKiB, int Iterations, string Server);

    internal sealed record SignIns(
        int Count,
        int Errors,
        int WarmupErrors,
        IReadOnlyDictionary<string, int> ErrorsByKind,
        double ElapsedSeconds,
        double PerSecond,
        double LatencyP50Ms,
        double LatencyP95Ms,
        double LatencyP99Ms,
        double LatencyMeanMs,
        double ServerCpuMsPerSignIn,
        double ClientCpuMsPerSignIn,
        double MachineBusyPercent,
        double RunBusyPercent);

    internal sealed record RawVerifies(
        int Count,
        int Errors,
        double ElapsedSeconds,
        double PerSecond,
        double LatencyP50Ms,
        double LatencyP95Ms,
        double CpuMsPerVerify,
        double MachineBusyPercent,
        double RunBusyPercent);
}

/// <summary>CPU time used during one phase: by the server (none in the raw phase), by this process, and by the whole machine.</summary>
internal sealed record PhaseCpu(TimeSpan Server, TimeSpan Client, SystemCpu? MachineBefore, SystemCpu? MachineAfter)
{
    public double MachineBusyPercent => SystemCpu.BusyShare(MachineBefore, MachineAfter) * 100;

    public double RunBusyPercent(TimeSpan elapsed, int cores) =>
        elapsed > TimeSpan.Zero ? (Server + Client).TotalSeconds / (elapsed.TotalSeconds * cores) * 100 : double.NaN;
}
