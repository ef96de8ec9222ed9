using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Accounts.Queues.Tests.Support;

/// <summary>A handler that records each run (which job, which run of it, when, how many at once) and then does what the test says.</summary>
internal sealed class RecordingHandler(Func<Job, int, CancellationToken, Task<JsonNode?>> handle) : IJobHandler
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<DateTimeOffset>> _runs = new();
    private readonly ConcurrentQueue<string> _order = new();
    private int _running;
    private int _peak;

    /// <summary>Job ids in the order their runs started.</summary>
    public IReadOnlyList<string> Order => [.. _order];

    public int Running => Volatile.Read(ref _running);

    /// <summary>The most runs at once.</summary>
    public int Peak => Volatile.Read(ref _peak);

    public static RecordingHandler Returning(Func<Job, JsonNode?> result) => new((job, _, _) => Task.FromResult(result(job)));

    public int Runs(string jobId) => _runs.TryGetValue(jobId, out var runs) ? runs.Count : 0;

    public IReadOnlyList<DateTimeOffset> RunTimes(string jobId) => _runs.TryGetValue(jobId, out var runs) ? [.. runs] : [];

    public async Task<JsonNode?> HandleAsync(Job job, CancellationToken cancellationToken)
    {
        var runs = _runs.GetOrAdd(job.Id, _ => new ConcurrentQueue<DateTimeOffset>());
        runs.Enqueue(DateTimeOffset.UtcNow);
        _order.Enqueue(job.Id);
        var running = Interlocked.Increment(ref _running);
        int peak;
        while (running > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, running, peak) != peak)
        {
        }

        try
        {
            return await handle(job, runs.Count, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
