using System.Diagnostics;
using Accounts.Benchmarks.SignInLoad;

namespace Accounts.Benchmarks.Common;

/// <summary>
/// On a machine shared with other people's builds and tests, waits for a quiet moment before a phase starts:
/// until all cores together have been under <see cref="BusyThreshold"/> busy for a while (this run does nothing
/// meanwhile, so whatever is busy is someone else). It cannot keep others from starting during the phase: the
/// phase's own <see cref="PhaseCpu"/> says whether they did.
/// </summary>
internal static class QuietMachine
{
    public const double BusyThreshold = 0.05;

    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(250);

    /// <summary>How long it waited; null when <paramref name="limit"/> passed without a quiet stretch of <paramref name="quiet"/>.</summary>
    public static async Task<TimeSpan?> WaitAsync(TimeSpan quiet, TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var quietFor = TimeSpan.Zero;
        var previous = SystemCpu.Read();
        if (previous is null || quiet <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        while (Stopwatch.GetElapsedTime(started) < limit)
        {
            await Task.Delay(Sample, cancellationToken);
            var current = SystemCpu.Read();
            quietFor = SystemCpu.BusyShare(previous, current) < BusyThreshold ? quietFor + Sample : TimeSpan.Zero;
            previous = current;
            if (quietFor >= quiet)
            {
                return Stopwatch.GetElapsedTime(started) - quiet;
            }
        }

        return null;
    }
}
