using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Accounts.Bus.Kafka;

/// <summary>
/// Points Confluent.Kafka at the system's librdkafka. The package expects <c>librdkafka.so</c> from
/// librdkafka.redist (absent from this project's registry); Debian's <c>librdkafka1</c> installs only the soname
/// <c>librdkafka.so.1</c>, which the default probing never asks for, and <c>Library.Load(path)</c> fails on Debian 12
/// (it imports dlopen from <c>libdl</c>, and glibc 2.36 ships only <c>libdl.so.2</c>). A DllImport resolver on the Confluent.Kafka
/// assembly hands it our handle instead. Every entry point calls <see cref="EnsureLoaded"/> before its first Kafka call:
/// a P/Invoke bound once stays bound, so the resolver must be in place before the first one.
/// </summary>
internal static class NativeLibraryLoader
{
    private const string ImportName = "librdkafka";

    private static readonly Lazy<(IntPtr Handle, string Path)> Library = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _resolverInstalled;

    /// <summary>Where librdkafka was loaded from (after <see cref="EnsureLoaded"/>).</summary>
    public static string LoadedFrom => Library.Value.Path;

    /// <summary>Loads librdkafka (once) and installs the resolver; safe to call from any thread, any number of times.</summary>
    /// <exception cref="DllNotFoundException">No librdkafka on this machine; the message says what to install.</exception>
    public static void EnsureLoaded()
    {
        _ = Library.Value;
        if (Interlocked.Exchange(ref _resolverInstalled, 1) == 1)
        {
            return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(ProducerConfig).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Another component of the process already resolves this assembly's imports (one resolver per assembly
            // is allowed); it presumably finds librdkafka too.
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        // Confluent.Kafka also tries variants (centos7-librdkafka, ...): those fall back to default probing, fail, and
        // it moves on to the plain name.
        libraryName == ImportName ? Library.Value.Handle : IntPtr.Zero;

    private static (IntPtr, string) Load()
    {
        foreach (var candidate in Candidates())
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                return (handle, candidate);
            }
        }

        throw new DllNotFoundException(
            "librdkafka was not found (looked for librdkafka.so next to the application, librdkafka.so.1 and librdkafka.so " +
            "through the dynamic linker, and in /usr/lib, /lib and /usr/local/lib). On Debian or Ubuntu: apt-get install librdkafka1.");
    }

    /// <summary>A copy next to the application first (deployments that ship one), then the linker's cache (what
    /// <c>ldconfig -p</c> lists), then the usual directories of any architecture (a loader cache not rebuilt).</summary>
    private static IEnumerable<string> Candidates()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "librdkafka.so");
        yield return "librdkafka.so.1";
        yield return "librdkafka.so";
        foreach (var root in new[] { "/usr/lib", "/lib", "/usr/local/lib", "/usr/lib64", "/lib64" })
        {
            if (!Directory.Exists(root))
            {
                continue;
            }

            // Debian's multiarch directories (x86_64-linux-gnu, aarch64-linux-gnu, ...); one of another architecture
            // fails to load and the next is tried.
            var directories = Directory.EnumerateDirectories(root, "*-linux-*").Prepend(root);
            foreach (var directory in directories)
            {
                yield return Path.Combine(directory, "librdkafka.so.1");
                yield return Path.Combine(directory, "librdkafka.so");
            }
        }
    }
}
