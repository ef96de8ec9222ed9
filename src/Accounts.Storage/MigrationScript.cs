using System.Globalization;
using System.Reflection;

namespace Accounts.Storage;

/// <summary>One versioned schema change of one engine, e.g. <c>0001_initial.sql</c>.</summary>
public sealed record MigrationScript(int Version, string Name, string Sql)
{
    /// <summary>
    /// Reads the scripts embedded in <paramref name="assembly"/> whose resource names are
    /// <paramref name="prefix"/> followed by <c>NNNN_name.sql</c>. Versions must run 1, 2, 3... without a gap, so
    /// that a script left out of a build fails at start rather than leaving a database half migrated.
    /// </summary>
    public static IReadOnlyList<MigrationScript> LoadEmbedded(Assembly assembly, string prefix)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var file = resource[prefix.Length..^".sql".Length];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0
                || !int.TryParse(file.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                || version <= 0)
            {
                throw new InvalidOperationException($"The migration '{resource}' is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new MigrationScript(version, file[(underscore + 1)..], reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < scripts.Count; i++)
        {
            if (scripts[i].Version != i + 1)
            {
                throw new InvalidOperationException(
                    $"The migrations under '{prefix}' must be numbered 1, 2, 3... without a gap or repeat; found {scripts[i].Version} at position {i + 1}.");
            }
        }

        return scripts.Count == 0
            ? throw new InvalidOperationException($"No migration script is embedded under '{prefix}'.")
            : scripts;
    }
}
