using System.Globalization;
using System.Net;
using Accounts.Redis;

namespace Accounts.Benchmarks.Common;

/// <summary>A section of Redis's <c>INFO</c>, and the redis-server process behind it when it runs on this machine.</summary>
internal static class RedisInfo
{
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(IRedisCommands redis, string section, CancellationToken cancellationToken) =>
        Parse((await redis.ExecuteAsync("INFO", new RedisValue[] { section }, cancellationToken)).AsString() ?? "");

    /// <summary>"name:value" lines; comments (<c># Server</c>) and blank lines skipped.</summary>
    public static Dictionary<string, string> Parse(string info) =>
        info.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#') && line.Contains(':', StringComparison.Ordinal))
            .Select(line => line.Split(':', 2))
            .GroupBy(parts => parts[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);

    /// <summary>redis-server's pid from <c>INFO server</c> when <paramref name="host"/> is this machine and the process is visible; else null.</summary>
    public static int? LocalServerPid(IReadOnlyDictionary<string, string> serverSection, string host) =>
        IsLocal(host) && int.TryParse(serverSection.GetValueOrDefault("process_id"), CultureInfo.InvariantCulture, out var pid) && ProcessCpu.Exists(pid)
            ? pid
            : null;

    public static bool IsLocal(string host) =>
        host is "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
