using System.Globalization;

namespace Accounts.Benchmarks.SignInLoad;

/// <summary>The arguments of the "signin-load" mode.</summary>
internal sealed record LoadOptions(int Seconds, int WarmupSeconds, int Concurrency, string? OutputPath, string? ServerPath)
{
    public static LoadOptions Default => new(Seconds: 20, WarmupSeconds: 10, Concurrency: 2 * Environment.ProcessorCount, OutputPath: null, ServerPath: null);

    /// <exception cref="ArgumentException">An argument is unknown or its value is missing or out of range.</exception>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = Default;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");

            options = name switch
            {
                "--seconds" => options with { Seconds = Positive(name, Value(), max: 3600) },
                "--warmup-seconds" => options with { WarmupSeconds = Positive(name, Value(), max: 600, allowZero: true) },
                "--concurrency" => options with { Concurrency = Positive(name, Value(), max: 1024) },
                "--out" => options with { OutputPath = Value() },
                "--server" => options with { ServerPath = Value() },
                _ => throw new ArgumentException($"Unknown argument {name}."),
            };
        }

        return options;
    }

    private static int Positive(string name, string text, int max, bool allowZero = false)
    {
        var min = allowZero ? 0 : 1;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"{name} must be a whole number from {min} to {max}.");
        }

        return value;
    }
}
