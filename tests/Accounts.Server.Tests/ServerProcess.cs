using System.Diagnostics;

namespace Accounts.Server.Tests;

/// <summary>The real server binary in a process of its own, as an operator runs it.</summary>
internal static class ServerProcess
{
    /// <summary>
    /// The start information for the server with these settings, given as environment variables (<c>a:b</c> as
    /// <c>a__b</c>) over quiet defaults: HTTP on a port of the system's choice, no TCP door, warnings only.
    /// </summary>
    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Accounts.Server.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Accounts__Tcp__Port"] = "0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key == "ASPNETCORE_URLS" ? key : key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return start;
    }

    /// <summary>Starts a server that serves until killed; its output is read and dropped so it never blocks on a full pipe.</summary>
    public static Process Start(IReadOnlyDictionary<string, string?> settings)
    {
        var process = Process.Start(StartInfo(settings))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs it with these settings and arguments until it exits; kills it after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string?> settings, string[] args, TimeSpan timeout)
    {
        using var process = Process.Start(StartInfo(settings, args))!;
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return (-1, "did not exit in time: " + await output + await error);
        }

        return (process.ExitCode, await output + await error);
    }
}
