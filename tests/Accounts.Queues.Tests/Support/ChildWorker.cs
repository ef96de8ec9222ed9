using Accounts.Queues.Bull;
using Accounts.Redis;

namespace Accounts.Queues.Tests.Support;

/// <summary>
/// This test program run as a separate process that is nothing but a Bull worker: it takes one job, says so on
/// stdout (JSON lines, as <see cref="Accounts.Testing.NodeProcess"/> reads them) and never finishes it, renewing its lock until
/// the test kills the process (SIGKILL, no goodbye).
/// </summary>
internal static class ChildWorker
{
    public const string Verb = "--queue-child-worker";

    /// <summary>Starts this test program as a child worker with these arguments (see <see cref="RunAsync"/>) and waits until it is ready.</summary>
    public static async Task<Accounts.Testing.NodeProcess> StartAsync(params string[] arguments)
    {
        // Run the way this process runs: through its app host, or through the dotnet muxer.
        var host = Environment.ProcessPath!;
        var start = new System.Diagnostics.ProcessStartInfo(host);
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ChildWorker).Assembly.Location);
        }

        start.ArgumentList.Add(Verb);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return (await Accounts.Testing.NodeProcess.StartProgramAsync(start, TestContext.Current.CancellationToken)).Process;
    }

    /// <summary>
    /// Arguments: Redis endpoint, key prefix, queue name, lock duration and stalled-check interval in milliseconds
    /// (the interval matters to the other workers: one check per interval runs across all of them).
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        await using var redis = await RedisClient.ConnectAsync(RedisOptions.Parse(args[0]));
        var queue = new BullJobQueue(redis, new BullQueueOptions { Prefix = args[1] });
        var options = new QueueWorkerOptions
        {
            Concurrency = 1,
            LockDuration = TimeSpan.FromMilliseconds(int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture)),
            StalledInterval = TimeSpan.FromMilliseconds(int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture)),
            DrainDelay = TimeSpan.FromSeconds(1),
        };
        var handler = new DelegateJobHandler(async (job, ct) =>
        {
            await Console.Out.WriteLineAsync($$"""{"type":"running","id":"{{job.Id}}"}""");
            await Console.Out.FlushAsync(ct);
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        });
        await using var worker = queue.CreateWorker(args[2], handler, options);
        await worker.StartAsync();
        await Console.Out.WriteLineAsync("""{"type":"ready"}""");
        await Console.Out.FlushAsync();
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
