using Accounts.Benchmarks.SignInLoad;

namespace Accounts.Benchmarks.Queues;

/// <summary>One measured (or warm-up) drain of one queue by one worker.</summary>
/// <param name="Round">1, 2, ...; 0 for the warm-up.</param>
/// <param name="Attempt">1, or more when a disturbed phase was measured again (with new jobs).</param>
/// <param name="WorkerCpuUsPerJob">The worker's process; for Accounts' in-process no-op worker, this whole process (which also polls).</param>
/// <param name="BenchmarkCpuUsPerJob">This process when the worker is another one (its polling, mostly); null otherwise.</param>
/// <param name="RowsDeleted">Delete_User: rows of the batch's accounts gone from the database during the phase.</param>
/// <param name="OtherLoadPercent">Share of all cores used by processes outside this run during the phase.</param>
internal sealed record QueuePhase(
    string Test,
    string Side,
    int Round,
    int Attempt,
    int Jobs,
    double Seconds,
    double JobsPerSecond,
    long Failed,
    IReadOnlyList<string> FailedReasons,
    long? RowsDeleted,
    double WorkerCpuUsPerJob,
    double? BenchmarkCpuUsPerJob,
    double? RedisCpuUsPerJob,
    double? DatabaseCpuUsPerJob,
    double RedisCommandsPerJob,
    double? DatabaseStatementsPerJob,
    double MachineBusyPercent,
    double RunBusyPercent,
    double OtherLoadPercent,
    double? QuietWaitSeconds)
{
    public bool Disturbed => OtherLoadPercent > QueuesReport.OtherLoadWarningPercent;

    public bool Succeeded => Failed == 0 && (RowsDeleted is null || RowsDeleted == Jobs);

    public static QueuePhase From(
        string test,
        string side,
        int round,
        int attempt,
        int jobs,
        Drain drain,
        IReadOnlyList<string> failedReasons,
        long? rowsDeleted,
        QueueMeter.Reading before,
        QueueMeter.Reading after,
        double redisCommandsPerJob,
        double? databaseStatementsPerJob,
        double? quietWaitSeconds,
        int cores)
    {
        double PerJob(TimeSpan cpu) => Math.Round(cpu.TotalMicroseconds / jobs, 1);
        TimeSpan? Delta(TimeSpan? a, TimeSpan? b) => a is { } x && b is { } y ? y - x : null;

        var own = after.Own - before.Own;
        var worker = Delta(before.Worker, after.Worker);
        var redis = Delta(before.Redis, after.Redis);
        var database = Delta(before.Database, after.Database);
        var ours = own + (worker ?? TimeSpan.Zero) + (after.Idle - before.Idle) + (redis ?? TimeSpan.Zero) + (database ?? TimeSpan.Zero);
        var seconds = drain.Elapsed.TotalSeconds;
        var machine = SystemCpu.BusyShare(before.Machine, after.Machine) * 100;
        var run = seconds > 0 ? ours.TotalSeconds / (seconds * cores) * 100 : double.NaN;
        return new QueuePhase(
            test,
            side,
            round,
            attempt,
            jobs,
            Math.Round(seconds, 3),
            Math.Round(jobs / seconds, 0),
            drain.Failed,
            failedReasons,
            rowsDeleted,
            PerJob(worker ?? own),
            worker is null ? null : PerJob(own),
            redis is { } r ? PerJob(r) : null,
            database is { } d ? PerJob(d) : null,
            Math.Round(redisCommandsPerJob, 2),
            databaseStatementsPerJob is { } s ? Math.Round(s, 2) : null,
            Math.Round(machine, 1),
            Math.Round(run, 1),
            Math.Round(Math.Max(0, machine - run), 1),
            quietWaitSeconds);
    }
}
