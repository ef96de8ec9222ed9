using System.Diagnostics;
using Accounts.Benchmarks.SignInLoad;
using Accounts.Tcp.Client;

namespace Accounts.Benchmarks.Tcp;

/// <summary>One measured phase: its figures, the CPU it cost, and how many calls were in flight.</summary>
internal sealed record TcpPhaseResult(string Name, int Connections, int InFlightPerConnection, Measurement Figures, PhaseCpu Cpu, int WarmupErrors)
{
    public int InFlight => Connections * InFlightPerConnection;
}

/// <summary>
/// Runs a phase: a warm-up (whose figures are dropped but whose errors are counted), then the measured part, with the
/// server's, this process's and the machine's CPU counters read around the measured part only.
/// </summary>
internal static class TcpPhase
{
    public static async Task<TcpPhaseResult> RunAsync(
        string name,
        int connections,
        int inFlightPerConnection,
        TimeSpan warmup,
        TimeSpan duration,
        Func<TimeSpan, Task<Measurement>> run,
        Func<TimeSpan> serverCpu)
    {
        Console.WriteLine($"phase        {name}: {connections} x {inFlightPerConnection} in flight, {warmup.TotalSeconds:0} + {duration.TotalSeconds:0} s");
        var warmupErrors = warmup > TimeSpan.Zero ? (await run(warmup)).Failed : 0;
        var machineBefore = SystemCpu.Read();
        var serverBefore = serverCpu();
        var ownBefore = OwnCpuTime();
        var figures = await run(duration);
        var cpu = new PhaseCpu(serverCpu() - serverBefore, OwnCpuTime() - ownBefore, machineBefore, SystemCpu.Read());
        return new TcpPhaseResult(name, connections, inFlightPerConnection, figures, cpu, warmupErrors);
    }

    /// <summary>
    /// <paramref name="inFlightPerConnection"/> loops per client, each waiting for its answer before its next call: 1
    /// is a plain request-response client; more are concurrent calls on one client, which it pipelines on its one
    /// connection (written in order, answered in order). <paramref name="call"/> answers null on success, or the
    /// kind of failure.
    /// </summary>
    public static Task<Measurement> LoadAsync(
        IReadOnlyList<AccountsTcpClient> clients,
        int inFlightPerConnection,
        TimeSpan duration,
        Func<AccountsTcpClient, CancellationToken, Task<string?>> call,
        CancellationToken cancellationToken)
    {
        // Measurement starts its workers in order, so worker i goes to client i mod C: each client gets its share.
        var next = 0;
        return Measurement.RunAsync(
            clients.Count * inFlightPerConnection,
            duration,
            loop => LoopAsync(clients[next++ % clients.Count], loop, call, cancellationToken));
    }

    /// <summary>
    /// <paramref name="workers"/> loops, each on a thread of its own, calling <paramref name="call"/> (null on success,
    /// or the kind of failure) until the time is up: the in-process rates, without the thread pool's ramp-up.
    /// </summary>
    public static Task<Measurement> OnThreadsAsync(int workers, TimeSpan duration, Func<string?> call, CancellationToken cancellationToken) =>
        Measurement.RunAsync(workers, duration, loop => OnOwnThread(() =>
        {
            while (loop.HasTimeLeft)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var started = Stopwatch.GetTimestamp();
                if (call() is { } failure)
                {
                    loop.Failure(failure);
                }
                else
                {
                    loop.Success(started);
                }
            }
        }));

    public static TimeSpan OwnCpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static async Task LoopAsync(
        AccountsTcpClient client, WorkerLoop loop, Func<AccountsTcpClient, CancellationToken, Task<string?>> call, CancellationToken cancellationToken)
    {
        // Leave the caller's thread at once, so that every loop is started before the first answer comes back.
        await Task.Yield();
        while (loop.HasTimeLeft)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (await call(client, cancellationToken) is { } failure)
                {
                    loop.Failure(failure);
                }
                else
                {
                    loop.Success(started);
                }
            }
            catch (TcpProtocolException e)
            {
                loop.Failure(e.Code);
            }
            catch (TcpConnectionException e)
            {
                loop.Failure(e.MayHaveExecuted ? "connection lost (request written)" : "connection lost (request not written)");
            }
        }
    }

    private static Task OnOwnThread(Action action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                action();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "in-process-verify",
        };
        thread.Start();
        return done.Task;
    }
}
