using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Accounts.Testing;

/// <summary>
/// A script in tests/node run by Node.js, talking back in JSON lines (<c>{"type": ...}</c>) on stdout and reading
/// commands as JSON lines on stdin: how the tests drive the real npm clients (bull, socket.io, socket.io-client,
/// @microsoft/signalr). The first use installs them with <c>npm ci</c> (pinned by tests/node/package-lock.json).
/// Tests skip when <see cref="NodePath"/> is null. Any other program speaking the same lines can be run too
/// (<see cref="StartProgramAsync"/>).
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private static readonly SemaphoreSlim Installing = new(1, 1);
    private static bool _installed;

    private readonly Process _process;
    private readonly Channel<JsonObject> _lines = Channel.CreateUnbounded<JsonObject>();
    private readonly List<JsonObject> _seen = [];
    private readonly StringBuilder _errors = new();
    private readonly Task _reading;

    private NodeProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        _reading = ReadAsync();
    }

    /// <summary>node on the PATH, or null.</summary>
    public static string? NodePath { get; } = FindOnPath("node");

    /// <summary>The tests/node folder of the source tree.</summary>
    public static string Directory { get; } = FindScriptsDirectory();

    public int ProcessId => _process.Id;

    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs <c>node &lt;script&gt; '&lt;json config&gt;'</c> in tests/node and waits for its "ready" line.</summary>
    public static async Task<(NodeProcess Process, JsonObject Ready)> StartAsync(string script, object config, CancellationToken cancellationToken)
    {
        if (NodePath is null)
        {
            throw new InvalidOperationException("Node.js is not on the PATH: check NodeProcess.NodePath first and skip.");
        }

        await EnsureInstalledAsync(cancellationToken);
        var start = new ProcessStartInfo(NodePath)
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(JsonSerializer.Serialize(config));
        return await StartProgramAsync(start, cancellationToken);
    }

    /// <summary>
    /// Runs any program that speaks the same JSON lines (a test project's own child process, say) and waits for its
    /// "ready" line.
    /// </summary>
    public static async Task<(NodeProcess Process, JsonObject Ready)> StartProgramAsync(ProcessStartInfo start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var child = new NodeProcess(System.Diagnostics.Process.Start(start)!);
        try
        {
            return (child, await child.WaitForAsync("ready", cancellationToken: cancellationToken));
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: the process dies at once, with no chance to release anything (a crashed worker).</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>Sends one command line (JSON) to the script's stdin.</summary>
    public async Task SendAsync(object command)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>
    /// The first line of <paramref name="type"/> satisfying <paramref name="match"/>, seen before or after this
    /// call; a line of type "error" from the script fails at once.
    /// </summary>
    public async Task<JsonObject> WaitForAsync(string type, Func<JsonObject, bool>? match = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        bool Wanted(JsonObject line) => (string?)line["type"] == type && (match is null || match(line));

        lock (_seen)
        {
            if (_seen.FirstOrDefault(Wanted) is { } earlier)
            {
                return earlier;
            }
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(limit.Token);
                if ((string?)line["type"] == "error")
                {
                    throw new InvalidOperationException($"The node script failed: {line["message"]}\n{Errors()}");
                }

                if (Wanted(line))
                {
                    return line;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"The node script said no \"{type}\" line {(ex is ChannelClosedException ? "before exiting" : "in time")}. Its stderr:\n{Errors()}", ex);
        }
    }

    /// <summary>Every line seen so far.</summary>
    public IReadOnlyList<JsonObject> Lines()
    {
        lock (_seen)
        {
            return [.. _seen];
        }
    }

    public string Errors()
    {
        lock (_errors)
        {
            return _errors.ToString();
        }
    }

    /// <summary>Ends stdin (scripts take it as "close and exit") and waits for the exit code.</summary>
    public async Task<int> CloseAsync(CancellationToken cancellationToken = default)
    {
        _process.StandardInput.Close();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(DefaultTimeout);
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        await _reading;
        _process.Dispose();
    }

    private static async Task EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        await Installing.WaitAsync(cancellationToken);
        try
        {
            if (_installed)
            {
                return;
            }

            // Test processes may run side by side: one npm ci at a time, across processes.
            var lockPath = Path.Combine(Directory, ".install.lock");
            FileStream? held = null;
            while (held is null)
            {
                try
                {
                    held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                }
                catch (IOException)
                {
                    await Task.Delay(200, cancellationToken);
                }
            }

            await using (held)
            {
                var marker = Path.Combine(Directory, "node_modules", ".package-lock.json");
                if (File.Exists(marker) && File.GetLastWriteTimeUtc(marker) >= File.GetLastWriteTimeUtc(Path.Combine(Directory, "package-lock.json")))
                {
                    _installed = true;
                    return;
                }

                var npm = FindOnPath("npm") ?? throw new InvalidOperationException("npm is not on the PATH; the tests need it to install their npm clients (npm ci).");
                var start = new ProcessStartInfo(npm)
                {
                    WorkingDirectory = Directory,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
                {
                    start.ArgumentList.Add(argument);
                }

                using var process = System.Diagnostics.Process.Start(start)!;
                var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var errors = process.StandardError.ReadToEndAsync(cancellationToken);
                await process.WaitForExitAsync(cancellationToken);
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"npm ci in {Directory} failed ({process.ExitCode}):\n{await output}\n{await errors}");
                }

                _installed = true;
            }
        }
        finally
        {
            Installing.Release();
        }
    }

    private static string FindScriptsDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "node");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No tests/node/package.json above {AppContext.BaseDirectory}.");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    private async Task ReadAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } text)
            {
                JsonObject? line;
                try
                {
                    line = JsonNode.Parse(text) as JsonObject;
                }
                catch (JsonException)
                {
                    line = null;
                }

                line ??= new JsonObject { ["type"] = "text", ["text"] = text };
                lock (_seen)
                {
                    _seen.Add(line);
                }

                _lines.Writer.TryWrite(line);
            }
        }
        finally
        {
            _lines.Writer.TryComplete();
        }
    }
}
