using System.Globalization;

namespace Accounts.Benchmarks.Tcp;

/// <summary>The arguments of the "tcp" mode.</summary>
internal sealed record TcpRunOptions(int Seconds, int WarmupSeconds, int Connections, int Pipeline, string? ServerPath)
{
    /// <summary>
    /// 10 s measured after 3 s of warm-up for each of the six phases: about 80 s in all, plus the server's start.
    /// Four connections (2 × the cores), as many as the sign-in load run's loops; 16 in flight per connection when
    /// pipelining, the server's default <c>MaxConcurrentRequestsPerConnection</c>.
    /// </summary>
    public static TcpRunOptions Default => new(Seconds: 10, WarmupSeconds: 3, Connections: 2 * Environment.ProcessorCount, Pipeline: 16, ServerPath: null);

    /// <exception cref="ArgumentException">An argument is unknown or its value is missing or out of range.</exception>
    public static TcpRunOptions Parse(IReadOnlyList<string> args)
    {
        var options = Default;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");

            options = name switch
            {
                "--seconds" => options with { Seconds = Whole(name, Value(), min: 1, max: 600) },
                "--warmup-seconds" => options with { WarmupSeconds = Whole(name, Value(), min: 0, max: 600) },
                "--connections" => options with { Connections = Whole(name, Value(), min: 1, max: 256) },
                // The server's MaxConcurrentRequestsPerConnection is set to this, and it allows at most 1024.
                "--pipeline" => options with { Pipeline = Whole(name, Value(), min: 2, max: 1024) },
                "--server" => options with { ServerPath = Value() },
                _ => throw new ArgumentException($"Unknown argument {name}."),
            };
        }

        return options;
    }

    private static int Whole(string name, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"{name} must be a whole number from {min} to {max}.");
        }

        return value;
    }
}
