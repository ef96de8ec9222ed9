using System.Runtime.InteropServices;

namespace Accounts.Benchmarks.Common;

/// <summary>
/// Runs a mode so that Ctrl+C and SIGTERM cancel its token instead of ending the process at once: the mode's
/// finally blocks then drop its databases and keys before it exits.
/// </summary>
internal static class Interruptible
{
    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> run)
    {
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            return await run(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine("Stopped.");
            return 130;
        }
    }
}
