using System.Runtime.InteropServices;

namespace Accounts.Benchmarks.SignInLoad;

/// <summary>What a figure was measured on.</summary>
internal sealed record MachineInfo(int Cores, string Cpu, string Runtime, string OperatingSystem)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        CpuModel(),
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription);

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
