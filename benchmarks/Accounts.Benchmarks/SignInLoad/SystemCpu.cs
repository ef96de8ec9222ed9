using System.Globalization;

namespace Accounts.Benchmarks.SignInLoad;

/// <summary>
/// The machine's CPU counters from <c>/proc/stat</c>, to tell how busy all cores were during a phase and so
/// whether something else on the machine (another build, another test run) took a share of it.
/// </summary>
internal readonly record struct SystemCpu(long BusyTicks, long TotalTicks)
{
    /// <summary>Null where <c>/proc/stat</c> cannot be read (not Linux).</summary>
    public static SystemCpu? Read()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            if (line is null)
            {
                return null;
            }

            // user nice system idle iowait irq softirq steal ...: idle and iowait are the idle ones.
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(f => long.Parse(f, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
            var total = fields.Take(8).Sum();
            var idle = fields[3] + fields[4];
            return new SystemCpu(total - idle, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The share of all cores' time that was busy between two readings, from 0 to 1; NaN when unknown.</summary>
    public static double BusyShare(SystemCpu? before, SystemCpu? after) =>
        before is { } b && after is { } a && a.TotalTicks > b.TotalTicks
            ? (double)(a.BusyTicks - b.BusyTicks) / (a.TotalTicks - b.TotalTicks)
            : double.NaN;
}
