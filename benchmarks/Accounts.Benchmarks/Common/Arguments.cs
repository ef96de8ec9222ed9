using System.Globalization;

namespace Accounts.Benchmarks.Common;

/// <summary>Small helpers for the modes' "--name value" arguments.</summary>
internal static class Arguments
{
    /// <exception cref="ArgumentException">Not a whole number from <paramref name="min"/> to <paramref name="max"/>.</exception>
    public static int Int(string name, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"{name} must be a whole number from {min} to {max}.");
        }

        return value;
    }

    /// <summary>A comma-separated list of whole numbers, each from <paramref name="min"/> to <paramref name="max"/>, without repeats.</summary>
    public static IReadOnlyList<int> IntList(string name, string text, int min, int max)
    {
        var values = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(part => Int(name, part, min, max)).Distinct().ToList();
        return values.Count > 0 ? values : throw new ArgumentException($"{name} needs at least one value.");
    }

    /// <summary>Walks "--name value" pairs, handing each name and a way to take its value to <paramref name="apply"/>.</summary>
    public static void Walk(IReadOnlyList<string> args, Action<string, Func<string>> apply)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            apply(name, () => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value."));
        }
    }

    /// <summary>The median of the finite values; NaN when there are none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
