using System.Diagnostics;

namespace Accounts.Benchmarks.Common;

/// <summary>
/// The time a run may spend beyond its nominal phases, waiting for a quiet machine and measuring disturbed phases
/// again: once spent, phases neither wait nor repeat (they are then marked as disturbed if they were), so a busy
/// machine cannot stretch a run indefinitely.
/// </summary>
internal sealed class Slack(TimeSpan total)
{
    // A single phase waits at most this long for a quiet moment, however much slack is left.
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    private TimeSpan _spent;

    public TimeSpan Remaining => total > _spent ? total - _spent : TimeSpan.Zero;

    /// <summary>Waits for a quiet machine within the slack; how long it waited, null when it found no quiet stretch.</summary>
    public async Task<TimeSpan?> WaitForQuietAsync(TimeSpan quiet, CancellationToken cancellationToken)
    {
        if (quiet <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var started = Stopwatch.GetTimestamp();
        var waited = await QuietMachine.WaitAsync(quiet, Remaining < WaitLimit ? Remaining : WaitLimit, cancellationToken);
        Spend(Stopwatch.GetElapsedTime(started));
        return waited;
    }

    /// <summary>Whether a repeat of <paramref name="length"/> still fits.</summary>
    public bool Fits(TimeSpan length) => Remaining >= length;

    public void Spend(TimeSpan time) => _spent += time;
}
