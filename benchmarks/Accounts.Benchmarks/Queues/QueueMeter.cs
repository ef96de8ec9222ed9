using System.Diagnostics;
using Accounts.Benchmarks.Common;
using Accounts.Benchmarks.SignInLoad;

namespace Accounts.Benchmarks.Queues;

/// <summary>
/// CPU readings around a phase, per process of the run: this process (which also runs Accounts' no-op worker), the
/// worker's process when it is a child (the Accounts server, the Node worker), the run's other, idle child, the
/// redis-server and the MariaDB server (when they run on this machine), and the whole machine, so that a phase can
/// say what each job cost each of them and how much of the cores other processes took meanwhile.
/// </summary>
internal sealed class QueueMeter(int? redisPid, int? databasePid)
{
    public int? RedisPid { get; } = redisPid;

    public int? DatabasePid { get; set; } = databasePid;

    public Reading Read(int? workerPid, IReadOnlyCollection<int> idlePids) => new(
        OwnCpu(),
        workerPid is { } pid ? ProcessCpu.TreeTime(pid) : null,
        idlePids.Select(ProcessCpu.TreeTime).Aggregate(TimeSpan.Zero, (sum, t) => sum + (t ?? TimeSpan.Zero)),
        RedisPid is { } r ? ProcessCpu.TreeTime(r) : null,
        DatabasePid is { } d ? ProcessCpu.TreeTime(d) : null,
        SystemCpu.Read());

    private static TimeSpan OwnCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    internal readonly record struct Reading(TimeSpan Own, TimeSpan? Worker, TimeSpan Idle, TimeSpan? Redis, TimeSpan? Database, SystemCpu? Machine);
}
