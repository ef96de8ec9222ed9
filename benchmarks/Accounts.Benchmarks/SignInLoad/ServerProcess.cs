using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Accounts.Benchmarks.SignInLoad;

/// <summary>
/// The real service as a child process (<c>dotnet Accounts.Server.dll</c>) on Kestrel, bound to a port the
/// kernel picks on 127.0.0.1. It is killed on dispose, and also if this process is stopped first.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private const int MaxKeptLines = 40;

    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly EventHandler _killOnExit;

    private ServerProcess(Process process)
    {
        _process = process;
        _killOnExit = (_, _) => Kill();
    }

    public Uri BaseAddress { get; private set; } = null!;

    public int Id => _process.Id;

    /// <summary>CPU time the server has used so far, all its threads together.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The server built together with this project (its path is recorded at build time).</summary>
    public static string DefaultServerPath() =>
        typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "AccountsServerPath")?.Value
        ?? throw new InvalidOperationException("This build does not record where Accounts.Server.dll is: pass --server PATH.");

    /// <summary>
    /// Starts the server in <paramref name="workingDirectory"/> (its content root) with its data in
    /// <paramref name="dataDirectory"/>, and waits until it answers /health/ready.
    /// </summary>
    public static Task<ServerProcess> StartAsync(
        string serverPath, string workingDirectory, string dataDirectory, TimeSpan timeout, CancellationToken cancellationToken) =>
        StartAsync(serverPath, workingDirectory, dataDirectory, new Dictionary<string, string>(), timeout, cancellationToken);

    /// <summary>
    /// As the overload above, with <paramref name="settings"/> as further environment variables of the server (such
    /// as <c>Accounts__Tcp__Port</c>), set after the ones this class sets, so they may also replace them.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(
        string serverPath,
        string workingDirectory,
        string dataDirectory,
        IReadOnlyDictionary<string, string> settings,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!File.Exists(serverPath))
        {
            throw new FileNotFoundException(
                $"{serverPath} does not exist: build the server (dotnet build -c Release src/Accounts.Server) or pass --server PATH.");
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            ArgumentList = { serverPath },
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };

        // Settings inherited from this shell would make the run differ from the defaults it reports on.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("Accounts__", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Accounts__DataDirectory"] = dataDirectory;
        start.Environment["Accounts__RateLimits__AuthPermitLimit"] = "1000000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";

        // The one information line wanted: Kestrel's "Now listening on", which names the port it was given.
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ServerProcess(process);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {start.FileName} {serverPath}.");
        }

        AppDomain.CurrentDomain.ProcessExit += server._killOnExit;
        try
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            await server.WaitUntilReadyAsync(deadline.Token);
            return server;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var output = server.LastLines();
            await server.DisposeAsync();
            throw new InvalidOperationException($"The server did not become ready within {timeout.TotalSeconds:0} s ({e.Message}). Its last output:\n{output}", e);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The last lines the server printed, for error messages.</summary>
    public string LastLines()
    {
        lock (_lastLines)
        {
            return string.Join('\n', _lastLines);
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= _killOnExit;
        Kill();
        try
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            // Killed but not yet reaped, or never started: nothing more can be done from here.
        }

        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var exited = _process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(_listening.Task, exited);
        if (first == exited)
        {
            await exited;
            throw new InvalidOperationException($"the server exited with code {_process.ExitCode}");
        }

        BaseAddress = await _listening.Task;
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with code {_process.ExitCode}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not accepting yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            while (_lastLines.Count > MaxKeptLines)
            {
                _lastLines.Dequeue();
            }
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    /// <summary>The <c>dotnet</c> host that runs this process, so the server runs on the same runtime.</summary>
    private static string DotnetHost()
    {
        var executable = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == executable)
        {
            return self;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } fromSdk && File.Exists(fromSdk))
        {
            return fromSdk;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = Path.Combine(root, executable);
        return File.Exists(candidate) ? candidate : executable;
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
