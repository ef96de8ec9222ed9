using System.Globalization;
using System.Text;
using Accounts.Benchmarks.SignInLoad;

namespace Accounts.Benchmarks.Tcp;

/// <summary>The figures of one "tcp" run and the ratios between its phases, as printed.</summary>
internal sealed class TcpReport(MachineInfo machine, TcpRunOptions options, string serverPath, IReadOnlyList<TcpPhaseResult> phases)
{
    /// <summary>Above this share of the cores taken by other processes during a phase, its rate says as much about them as about the run.</summary>
    public const double OtherLoadWarningPercent = 5;

    public const string PingPlain = "Ping, not pipelined";
    public const string PingPipelined = "Ping, pipelined";
    public const string VerifyPlain = "VerifyToken, not pipelined";
    public const string VerifyPipelined = "VerifyToken, pipelined";
    public const string Signature = "in-process JWT ValidateAsync";
    public const string UseCase = "in-process VerifyToken use case (SQLite)";

    /// <summary>The share of the cores that processes outside this run used during a phase, in percent (0 when unknown).</summary>
    public double OtherLoadPercent(TcpPhaseResult phase)
    {
        var others = phase.Cpu.MachineBusyPercent - phase.Cpu.RunBusyPercent(phase.Figures.Elapsed, machine.Cores);
        return double.IsFinite(others) ? Math.Max(0, others) : 0;
    }

    public double MaxOtherLoadPercent => phases.Count == 0 ? 0 : phases.Max(OtherLoadPercent);

    public bool Quiet => MaxOtherLoadPercent <= OtherLoadWarningPercent;

    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"machine      {machine.Cores} cores, {machine.Cpu}, {machine.Runtime}, {machine.OperatingSystem}");
        text.AppendLine(c, $"server       {serverPath}");
        text.AppendLine(c, $"parameters   {options.Connections} connections; pipelined = {options.Pipeline} calls in flight per connection; {options.Seconds} s measured after {options.WarmupSeconds} s warm-up, per phase; in-process: {options.Connections} threads");
        text.AppendLine(c, $"door limits  RequestsPerSecond = RequestBurst = {TcpCommand.UnlimitedRate}, MaxConcurrentRequestsPerConnection = {options.Pipeline}; no token cache (the embedded default)");
        text.AppendLine();
        text.AppendLine(c, $"{"phase",-42}{"in flight",10}{"count",10}{"errors",8}{"per s",11}{"p50 ms",9}{"p95 ms",9}{"server µs/op",14}{"client µs/op",14}{"cores busy (run)",18}");
        foreach (var phase in phases)
        {
            var f = phase.Figures;
            var run = phase.Cpu.RunBusyPercent(f.Elapsed, machine.Cores);
            var server = phase.Name.StartsWith("in-process", StringComparison.Ordinal) ? "-" : PerOperationMicroseconds(phase.Cpu.Server, f.Succeeded).ToString("0.0", c);
            text.AppendLine(c, $"{phase.Name,-42}{phase.InFlight,10}{f.Succeeded,10}{f.Failed + phase.WarmupErrors,8}{f.PerSecond,11:0}{f.LatencyMs(0.50),9:0.000}{f.LatencyMs(0.95),9:0.000}{server,14}{PerOperationMicroseconds(phase.Cpu.Client, f.Succeeded),14:0.0}{$"{phase.Cpu.MachineBusyPercent:0} % ({run:0} %)",18}");
        }

        text.AppendLine();
        text.AppendLine("ratios       TCP VerifyToken frames/s ÷ in-process verifies/s (same run)");
        AppendRatio(text, "  ÷ JWT ValidateAsync", VerifyPlain, VerifyPipelined, Signature);
        AppendRatio(text, "  ÷ VerifyToken use case", VerifyPlain, VerifyPipelined, UseCase);
        text.AppendLine("             and for scale, TCP VerifyToken frames/s ÷ TCP Ping frames/s, at the same shape");
        AppendRatio(text, "  VerifyToken ÷ Ping", VerifyPlain, VerifyPipelined, PingPlain, PingPipelined);

        text.AppendLine();
        if (Quiet)
        {
            text.AppendLine(c, $"machine      quiet: other processes used at most {MaxOtherLoadPercent:0.0} % of the cores during any phase (limit {OtherLoadWarningPercent:0} %)");
        }
        else
        {
            var worst = phases.MaxBy(OtherLoadPercent)!;
            text.AppendLine(c, $"WARNING      other processes took up to {MaxOtherLoadPercent:0} % of the cores (during \"{worst.Name}\"): run again on a quiet machine");
        }

        foreach (var phase in phases.Where(p => p.Figures.Failed + p.WarmupErrors > 0))
        {
            text.AppendLine(c, $"errors       {phase.Name}: {string.Join(", ", phase.Figures.Errors.Select(e => $"{e.Key} x{e.Value}"))}; {phase.WarmupErrors} during warm-up");
        }

        return text.ToString();
    }

    /// <summary>One line: the plain and pipelined phases each divided by <paramref name="plainDivisor"/> (or their own divisor).</summary>
    private void AppendRatio(StringBuilder text, string label, string plain, string pipelined, string plainDivisor, string? pipelinedDivisor = null)
    {
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{label,-26}not pipelined {Ratio(plain, plainDivisor),6:0.000}    pipelined {Ratio(pipelined, pipelinedDivisor ?? plainDivisor),6:0.000}");
    }

    private double Ratio(string dividend, string divisor) =>
        Rate(dividend) is var a && Rate(divisor) is var b && b > 0 ? a / b : double.NaN;

    private double Rate(string name) => phases.FirstOrDefault(p => p.Name == name)?.Figures.PerSecond ?? double.NaN;

    private static double PerOperationMicroseconds(TimeSpan cpu, int operations) =>
        operations > 0 ? cpu.TotalMicroseconds / operations : double.NaN;
}
