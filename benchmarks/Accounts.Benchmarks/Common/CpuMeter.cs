using Accounts.Benchmarks.SignInLoad;

namespace Accounts.Benchmarks.Common;

/// <summary>
/// Takes the readings a phase's <see cref="PhaseCpu"/> is made of: this process (with any child it runs), the
/// server it measures (when it runs on this machine and can be found), and the whole machine (<see cref="SystemCpu"/>),
/// so that a report can tell how much of the cores other processes took meanwhile.
/// </summary>
internal sealed class CpuMeter(int? serverPid)
{
    private static readonly int OwnPid = Environment.ProcessId;

    public int? ServerPid { get; } = serverPid;

    public Reading Read() => new(
        ProcessCpu.TreeTime(OwnPid) ?? TimeSpan.Zero,
        ServerPid is { } pid ? ProcessCpu.TreeTime(pid) : null,
        SystemCpu.Read());

    /// <summary>The phase between two readings; the server's part is zero when it could not be read.</summary>
    public static PhaseCpu Between(Reading before, Reading after) => new(
        before.Server is { } s0 && after.Server is { } s1 ? s1 - s0 : TimeSpan.Zero,
        after.Own - before.Own,
        before.Machine,
        after.Machine);

    internal readonly record struct Reading(TimeSpan Own, TimeSpan? Server, SystemCpu? Machine);
}
