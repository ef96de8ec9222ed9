using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Accounts.Queues.Tests.Support;

/// <summary>
/// A process that talks back in JSON lines (<c>{"type": ...}</c>): node/harness.js (Node's bull@4, pinned in
/// node/package-lock.json), or this test program as a <see cref="ChildWorker"/>. The first Node use installs bull
/// with <c>npm ci</c> when node_modules is missing; without Node on the PATH the test is skipped.
/// </summary>
internal sealed class HarnessProcess : IAsyncDisposable
{
    private static readonly SemaphoreSlim Installing = new(1, 1);
    private static bool _installed;

    private readonly Process _process;
    private readonly Channel<JsonObject> _lines = Channel.CreateUnbounded<JsonObject>();
    private readonly List<JsonObject> _seen = [];
    private readonly Lock _errorsGate = new();
    private readonly System.Text.StringBuilder _errors = new();
    private readonly Task _reading;

    private HarnessProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_errorsGate)
                {
                    _errors.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        _reading = ReadAsync();
    }

    public static string Directory { get; } = typeof(HarnessProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "NodeHarnessDirectory").Value!;

    public int ProcessId => _process.Id;

    /// <summary>Starts the harness with <paramref name="config"/> (see harness.js) and waits for its "ready" line.</summary>
    public static async Task<(HarnessProcess Harness, JsonObject Ready)> StartNodeAsync(object config)
    {
        var node = FindOnPath("node");
        Assert.SkipWhen(node is null, "Node.js is not installed (node on the PATH); the interop tests need it and bull@4 from npm.");
        await EnsureInstalledAsync();

        var start = new ProcessStartInfo(node!)
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("harness.js");
        start.ArgumentList.Add(JsonSerializer.Serialize(config));
        return await StartAsync(start);
    }

    /// <summary>Starts this test program as a <see cref="ChildWorker"/> and waits for its "ready" line.</summary>
    public static async Task<HarnessProcess> StartChildWorkerAsync(params string[] arguments)
    {
        // Run the way this process runs: through its app host, or through the dotnet muxer.
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(HarnessProcess).Assembly.Location);
        }

        start.ArgumentList.Add(ChildWorker.Verb);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return (await StartAsync(start)).Harness;
    }

    private static async Task<(HarnessProcess Harness, JsonObject Ready)> StartAsync(ProcessStartInfo start)
    {
        var harness = new HarnessProcess(Process.Start(start)!);
        try
        {
            return (harness, await harness.WaitForAsync("ready"));
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>The next line of <paramref name="type"/> that satisfies <paramref name="match"/> (lines seen before count too).</summary>
    public async Task<JsonObject> WaitForAsync(string type, Func<JsonObject, bool>? match = null)
    {
        bool Wanted(JsonObject line) => (string?)line["type"] == type && (match is null || match(line));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Eventually.Bound);
        lock (_seen)
        {
            if (_seen.FirstOrDefault(Wanted) is { } earlier)
            {
                return earlier;
            }
        }

        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(timeout.Token);
                if ((string?)line["type"] == "error")
                {
                    Assert.Fail($"The harness process failed: {line["message"]}");
                }

                if (Wanted(line))
                {
                    return line;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            Assert.Fail($"The harness process said no \"{type}\" line{(ex is ChannelClosedException ? " before exiting" : " in time")}. Its stderr:\n{Errors()}");
            throw;
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

    /// <summary>SIGKILL: the process dies at once, with no chance to release anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Ends stdin, which tells a worker to close its queue and exit, and waits for the exit code.</summary>
    public async Task<int> CloseAsync()
    {
        _process.StandardInput.Close();
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).Within("the harness process to exit");
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        await _reading;
        _process.Dispose();
    }

    private static async Task EnsureInstalledAsync()
    {
        await Installing.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_installed || File.Exists(Path.Combine(Directory, "node_modules", "bull", "package.json")))
            {
                _installed = true;
                return;
            }

            var npm = FindOnPath("npm");
            Assert.SkipWhen(npm is null, "npm is not installed; the interop tests need it to install bull@4 (npm ci).");
            var start = new ProcessStartInfo(npm!)
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

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            if (process.ExitCode != 0)
            {
                Assert.Fail($"npm ci in {Directory} failed ({process.ExitCode}):\n{await output}\n{await errors}");
            }

            _installed = true;
        }
        finally
        {
            Installing.Release();
        }
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

    private string Errors()
    {
        lock (_errorsGate)
        {
            return _errors.ToString();
        }
    }
}
