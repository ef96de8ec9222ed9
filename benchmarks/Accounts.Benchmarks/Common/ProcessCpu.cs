using System.Globalization;

namespace Accounts.Benchmarks.Common;

/// <summary>
/// CPU time of a process together with its descendants, read from <c>/proc</c>: what a database server (MariaDB's
/// threads, PostgreSQL's postmaster and backends), redis-server, or this process with a redis-benchmark child used.
/// </summary>
internal static class ProcessCpu
{
    // USER_HZ, the unit of the times in /proc/<pid>/stat: 100 on every Linux architecture .NET runs on.
    private const long ClockTicksPerSecond = 100;

    /// <summary>
    /// The CPU time of <paramref name="pid"/>, of its children it has waited for, and of every live descendant with
    /// theirs: a sum that does not drop when a descendant exits and is reaped. Null when <c>/proc</c> cannot say.
    /// </summary>
    public static TimeSpan? TreeTime(int pid)
    {
        var all = ReadAll();
        if (!all.ContainsKey(pid))
        {
            return null;
        }

        var children = all.Values.ToLookup(p => p.ParentId);
        long ticks = 0;
        var pending = new Stack<int>([pid]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!all.TryGetValue(current, out var stat))
            {
                continue;
            }

            ticks += stat.Ticks;
            foreach (var child in children[current])
            {
                pending.Push(child.Id);
            }
        }

        return TimeSpan.FromSeconds((double)ticks / ClockTicksPerSecond);
    }

    /// <summary>The parent of <paramref name="pid"/>; null when it cannot be read.</summary>
    public static int? ParentOf(int pid) => Read(pid)?.ParentId;

    /// <summary>Whether <paramref name="pid"/> names a process this one can see.</summary>
    public static bool Exists(int pid) => Read(pid) is not null;

    private static Dictionary<int, Stat> ReadAll()
    {
        var result = new Dictionary<int, Stat>();
        try
        {
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Read(pid) is { } stat)
                {
                    result[pid] = stat;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or /proc hidden: callers get null.
        }

        return result;
    }

    private static Stat? Read(int pid)
    {
        try
        {
            // "pid (comm) state ppid ... utime stime cutime cstime ...": comm may hold spaces and parentheses, so
            // the fields are counted from the last ')'. After it: state=0, ppid=1, utime=11, stime=12, cutime=13, cstime=14.
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long Field(int index) => long.Parse(fields[index], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            return new Stat(pid, (int)Field(1), Field(11) + Field(12) + Field(13) + Field(14));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or OverflowException)
        {
            // Gone in the meantime, or not ours to read.
            return null;
        }
    }

    private readonly record struct Stat(int Id, int ParentId, long Ticks);
}
