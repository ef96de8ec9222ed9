using System.Diagnostics;

namespace Accounts.Benchmarks.SignInLoad;

/// <summary>What one timed phase produced: completed operations, failures by kind, and each success's latency.</summary>
internal sealed class Measurement
{
    private readonly Lock _gate = new();
    private readonly List<double> _latenciesMs = [];
    private readonly Dictionary<string, int> _errors = new(StringComparer.Ordinal);

    public int Succeeded { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public int Failed => _errors.Values.Sum();

    public IReadOnlyDictionary<string, int> Errors => _errors;

    public double PerSecond => Elapsed > TimeSpan.Zero ? Succeeded / Elapsed.TotalSeconds : 0;

    /// <summary>
    /// Runs <paramref name="workers"/> copies of a loop until <paramref name="duration"/> has passed; an operation
    /// under way at the deadline is finished and counted, and the elapsed time runs until the last one ends.
    /// </summary>
    public static async Task<Measurement> RunAsync(int workers, TimeSpan duration, Func<WorkerLoop, Task> startWorker)
    {
        var measurement = new Measurement();
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var loops = Enumerable.Range(0, workers).Select(_ => new WorkerLoop(deadline)).ToList();
        await Task.WhenAll(loops.Select(startWorker));
        measurement.Elapsed = Stopwatch.GetElapsedTime(started);
        foreach (var loop in loops)
        {
            measurement.Merge(loop);
        }

        return measurement;
    }

    /// <summary>The latency at quantile <paramref name="q"/> (nearest rank) over the successes, in milliseconds.</summary>
    public double LatencyMs(double q)
    {
        if (_latenciesMs.Count == 0)
        {
            return double.NaN;
        }

        _latenciesMs.Sort();
        var rank = (int)Math.Ceiling(q * _latenciesMs.Count);
        return _latenciesMs[Math.Clamp(rank - 1, 0, _latenciesMs.Count - 1)];
    }

    public double MeanLatencyMs => _latenciesMs.Count == 0 ? double.NaN : _latenciesMs.Average();

    private void Merge(WorkerLoop loop)
    {
        lock (_gate)
        {
            Succeeded += loop.Succeeded;
            _latenciesMs.AddRange(loop.LatenciesMs);
            foreach (var (kind, count) in loop.Errors)
            {
                _errors[kind] = _errors.GetValueOrDefault(kind) + count;
            }
        }
    }
}

/// <summary>One worker's share of a phase; used by one thread or one async loop at a time, so it needs no lock.</summary>
internal sealed class WorkerLoop(long deadline)
{
    public int Succeeded { get; private set; }

    public List<double> LatenciesMs { get; } = [];

    public Dictionary<string, int> Errors { get; } = new(StringComparer.Ordinal);

    public bool HasTimeLeft => Stopwatch.GetTimestamp() < deadline;

    public void Success(long startedAt)
    {
        Succeeded++;
        LatenciesMs.Add(Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds);
    }

    public void Failure(string kind) => Errors[kind] = Errors.GetValueOrDefault(kind) + 1;
}
