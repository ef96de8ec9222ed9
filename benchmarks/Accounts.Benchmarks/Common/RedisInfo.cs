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

    /// <summary>
    /// The endpoint of a throwaway Redis (no password, database 0: other tools of the run reach it by host and port
    /// only); null after telling why it is not one (<paramref name="why"/> names the tool that needs it so).
    /// </summary>
    public static RedisOptions? ParseThrowaway(string endpoint, string why)
    {
        RedisOptions options;
        try
        {
            options = RedisOptions.Parse(endpoint);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            Console.Error.WriteLine(e.Message);
            return null;
        }

        if (options.Password is not null || options.User is not null || options.Database != 0)
        {
            Console.Error.WriteLine($"Use a throwaway Redis without a password, on database 0: {why}.");
            return null;
        }

        return options;
    }

    public static bool IsLocal(string host) =>
        host is "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
