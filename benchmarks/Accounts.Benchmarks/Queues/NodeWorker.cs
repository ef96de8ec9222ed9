using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Accounts.Benchmarks.Queues;

/// <summary>
/// benchmarks/node/queue-worker.js run by Node.js: a bull@4 worker in a process of its own. The first use installs
/// the packages with <c>npm ci</c> (pinned by benchmarks/node/package-lock.json) when node_modules is missing.
/// </summary>
internal sealed class NodeWorker : IAsyncDisposable
{
    public const string Script = "queue-worker.js";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly TaskCompletionSource<JsonObject> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _output = new();

    private NodeWorker(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    /// <summary>The script's "ready" line: node, bull and mysql2 versions.</summary>
    public JsonObject Ready { get; private set; } = [];

    /// <summary>benchmarks/node, next to this project's directory (recorded at build time).</summary>
    public static string Directory { get; } = Path.GetFullPath(Path.Combine(
        typeof(NodeWorker).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BenchmarksProjectDirectory")?.Value ?? Environment.CurrentDirectory,
        "..",
        "node"));

    /// <summary>An executable on the PATH, or null.</summary>
    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    /// <summary><c>npm ci</c> in <see cref="Directory"/> when its node_modules is missing.</summary>
    public static async Task EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        if (System.IO.Directory.Exists(Path.Combine(Directory, "node_modules")))
        {
            return;
        }

        var npm = FindOnPath("npm") ?? throw new InvalidOperationException("npm is not on the PATH: it installs the Node worker's packages.");
        Console.WriteLine($"npm ci       in {Directory}");
        var start = new ProcessStartInfo(npm)
        {
            ArgumentList = { "ci", "--no-audit", "--no-fund" },
            WorkingDirectory = Directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start npm.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci failed with exit code {process.ExitCode}:\n{await output}\n{await errors}");
        }
    }

    /// <summary>Starts <c>node queue-worker.js '&lt;config&gt;'</c> and waits for its "ready" line.</summary>
    public static async Task<NodeWorker> StartAsync(string node, JsonObject config, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(node)
        {
            ArgumentList = { Script, config.ToJsonString() },
            WorkingDirectory = Directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var worker = new NodeWorker(Process.Start(start) ?? throw new InvalidOperationException($"Could not start {node}."));
        worker._process.OutputDataReceived += (_, e) => worker.OnLine(e.Data, fromStdout: true);
        worker._process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data, fromStdout: false);
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(ReadyTimeout);
            var exited = worker._process.WaitForExitAsync(deadline.Token);
            if (await Task.WhenAny(worker._ready.Task, exited) != worker._ready.Task)
            {
                await exited;
                throw new InvalidOperationException($"The Node worker exited with code {worker._process.ExitCode} before it was ready:\n{worker.Output()}");
            }

            worker.Ready = await worker._ready.Task;
            return worker;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var output = worker.Output();
            await worker.DisposeAsync();
            throw new TimeoutException($"The Node worker was not ready within {ReadyTimeout.TotalSeconds:0} s:\n{output}");
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    /// <summary>Everything the script printed that was not its "ready" line (errors, stderr).</summary>
    public string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // End of stdin is the script's "close the queue and exit".
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // Not closing in time, or already gone: killed below.
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }
        catch (InvalidOperationException)
        {
            // Already reaped.
        }

        _process.Dispose();
    }

    private void OnLine(string? line, bool fromStdout)
    {
        if (line is null)
        {
            return;
        }

        if (fromStdout && line.StartsWith('{'))
        {
            try
            {
                if (JsonNode.Parse(line) is JsonObject message && (string?)message["type"] == "ready")
                {
                    _ready.TrySetResult(message);
                    return;
                }
            }
            catch (JsonException)
            {
                // Not one of the script's lines: kept as output below.
            }
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
