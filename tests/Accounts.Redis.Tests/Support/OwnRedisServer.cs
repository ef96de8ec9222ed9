using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Accounts.Redis.Tests.Support;

/// <summary>
/// A redis-server process of the test's own, on a free loopback port in a temporary directory, without
/// persistence, for tests that kill, restart or stall the server. Restarting keeps the port and the settings.
/// </summary>
internal sealed class OwnRedisServer : IAsyncDisposable
{
    private readonly string _binary;
    private readonly string[] _extraArgs;
    private readonly string _directory;
    private Process? _process;

    private OwnRedisServer(string binary, int port, string directory, string[] extraArgs)
    {
        _binary = binary;
        Port = port;
        _directory = directory;
        _extraArgs = extraArgs;
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Starts a server; extra arguments such as <c>--requirepass secret</c> are kept across restarts.</summary>
    public static async Task<OwnRedisServer> StartAsync(params string[] extraArgs)
    {
        var binary = TestServers.ServerBinary();
        var directory = Path.Combine(Path.GetTempPath(), "accounts-redis-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var server = new OwnRedisServer(binary, FreePort(), directory, extraArgs);
        await server.StartAgainAsync();
        return server;
    }

    public RedisOptions Options(Action<RedisOptions>? configure = null)
    {
        var options = RedisOptions.Parse(Endpoint);
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash would: sockets close, the script cache is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>Starts the server again on the same port and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(_binary) { UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--dir", _directory, "--logfile", Path.Combine(_directory, "redis.log"),
                 }.Concat(_extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await AnswersAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                var log = File.Exists(Path.Combine(_directory, "redis.log")) ? await File.ReadAllTextAsync(Path.Combine(_directory, "redis.log")) : "";
                throw new InvalidOperationException($"redis-server on port {Port} did not come up. Log:\n{log}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer);
            var reply = Encoding.ASCII.GetString(buffer, 0, read);
            return reply.StartsWith("+PONG", StringComparison.Ordinal) || reply.StartsWith("-NOAUTH", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
