namespace Accounts.Benchmarks.Common;

/// <summary>The temporary directory a mode runs a server in, removed at the end of the run.</summary>
internal static class RunDirectory
{
    /// <summary>Removes <paramref name="directory"/>; a failure is reported on stderr, not thrown, so the run still reports.</summary>
    public static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not remove {directory}: {e.Message}");
        }
    }
}
