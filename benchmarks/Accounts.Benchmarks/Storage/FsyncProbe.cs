using System.Diagnostics;
using System.Globalization;

namespace Accounts.Benchmarks.Storage;

/// <summary>
/// What one fsync costs in a directory: SQLite (synchronous=FULL, WAL) syncs the log on every commit, so this is
/// the floor of an SQLite write transaction there, and the part of it a faster or slower disk would change.
/// </summary>
internal static class FsyncProbe
{
    /// <summary>Appends 4 KiB and fsyncs, <paramref name="count"/> times, in a scratch file it then deletes; p50 and p95 in ms.</summary>
    public static (double P50Ms, double P95Ms) Measure(string directory, int count = 200)
    {
        var path = Path.Combine(directory, "fsync-probe.tmp");
        var block = new byte[4096];
        var samples = new double[count];
        try
        {
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                for (var i = 0; i < count; i++)
                {
                    file.Write(block);
                    var started = Stopwatch.GetTimestamp();
                    file.Flush(flushToDisk: true);
                    samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }

            Array.Sort(samples);
            return (samples[count / 2], samples[(int)Math.Ceiling(0.95 * count) - 1]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static string Describe((double P50Ms, double P95Ms) probe) =>
        string.Create(CultureInfo.InvariantCulture, $"p50 {probe.P50Ms:0.000} ms, p95 {probe.P95Ms:0.000} ms (4 KiB append + fsync, x200, in the file's directory)");
}
