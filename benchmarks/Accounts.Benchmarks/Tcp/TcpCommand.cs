using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Accounts.Benchmarks.Common;
using Accounts.Benchmarks.SignInLoad;
using Accounts.Tcp.Client;

namespace Accounts.Benchmarks.Tcp;

/// <summary>
/// The "tcp" mode: Ping and VerifyToken frames per second through the real server's TCP door on loopback, each
/// without and with pipelining, then, with the server stopped, the in-process rates of the token check the door
/// runs (the JWT signature check alone, and the whole VerifyToken use case on the server's SQLite database), and
/// the ratios of the former to the latter.
/// </summary>
internal static class TcpCommand
{
    /// <summary>Effectively no per-connection rate limit: the door's default (100/s, burst 200) would be what is measured.</summary>
    public const int UnlimitedRate = 1_000_000;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        TcpRunOptions options;
        try
        {
            options = TcpRunOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        // Ctrl+C and SIGTERM end the run through the finally blocks, which stop the server and remove its directory.
        return await Interruptible.RunAsync(cancellationToken => RunAsync(options, cancellationToken));
    }

    private static async Task<int> RunAsync(TcpRunOptions options, CancellationToken cancellationToken)
    {
        var serverPath = Path.GetFullPath(options.ServerPath ?? ServerProcess.DefaultServerPath());
        var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
        var duration = TimeSpan.FromSeconds(options.Seconds);
        var c = options.Connections;
        var p = options.Pipeline;
        Console.WriteLine($"server       {serverPath}");
#if DEBUG
        Console.WriteLine("warning      a Debug build of this tool (and by default of the server): use -c Release for figures worth keeping");
#endif

        var tcpPort = FreeLoopbackPort();
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Accounts__Tcp__Port"] = tcpPort.ToString(CultureInfo.InvariantCulture),
            ["Accounts__Tcp__Address"] = "127.0.0.1",
            ["Accounts__Tcp__RequestsPerSecond"] = UnlimitedRate.ToString(CultureInfo.InvariantCulture),
            ["Accounts__Tcp__RequestBurst"] = UnlimitedRate.ToString(CultureInfo.InvariantCulture),
            ["Accounts__Tcp__MaxConcurrentRequestsPerConnection"] = p.ToString(CultureInfo.InvariantCulture),
        };

        var phases = new List<TcpPhaseResult>();
        var workingDirectory = Directory.CreateTempSubdirectory("accounts-tcp-bench-").FullName;
        var dataDirectory = Path.Combine(workingDirectory, "data");
        try
        {
            string token;
            await using (var server = await ServerProcess.StartAsync(serverPath, workingDirectory, dataDirectory, settings, StartTimeout, cancellationToken))
            {
                Console.WriteLine($"listening    TCP 127.0.0.1:{tcpPort}, HTTP {server.BaseAddress} (pid {server.Id}, data {dataDirectory})");
                var clients = new List<AccountsTcpClient>();
                try
                {
                    for (var i = 0; i < c; i++)
                    {
                        var client = new AccountsTcpClient("127.0.0.1", tcpPort);
                        clients.Add(client);
                        await client.ConnectAsync(cancellationToken);
                    }

                    token = await TcpAccount.SignUpAsync(clients[0], Path.Combine(dataDirectory, "outbox.jsonl"), cancellationToken);
                    Console.WriteLine($"signed up    {TcpAccount.Username} over TCP (Register, code from the outbox, VerifyOtp); its token verifies");

                    Func<TimeSpan> serverCpu = () => server.CpuTime;
                    Func<AccountsTcpClient, CancellationToken, Task<string?>> ping = async (client, ct) =>
                    {
                        await client.PingAsync(ct);
                        return null;
                    };
                    Func<AccountsTcpClient, CancellationToken, Task<string?>> verify = async (client, ct) =>
                        (await client.VerifyTokenAsync(token, ct)).Active ? null : "inactive";

                    var shapes = new[]
                    {
                        (TcpReport.PingPlain, ping, 1),
                        (TcpReport.PingPipelined, ping, p),
                        (TcpReport.VerifyPlain, verify, 1),
                        (TcpReport.VerifyPipelined, verify, p),
                    };
                    foreach (var (name, call, inFlight) in shapes)
                    {
                        phases.Add(await TcpPhase.RunAsync(
                            name,
                            c,
                            inFlight,
                            warmup,
                            duration,
                            length => TcpPhase.LoadAsync(clients, inFlight, length, call, cancellationToken),
                            serverCpu));
                    }
                }
                finally
                {
                    foreach (var client in clients)
                    {
                        await client.DisposeAsync();
                    }
                }
            }

            // The server is gone: the in-process loops have the machine to themselves, as the server had (with its client).
            await using var verifier = await InProcessVerifier.OpenAsync(dataDirectory, token, cancellationToken);
            Func<TimeSpan> none = () => TimeSpan.Zero;
            phases.Add(await TcpPhase.RunAsync(
                TcpReport.Signature, c, 1, warmup, duration,
                length => TcpPhase.OnThreadsAsync(c, length, verifier.ValidateSignature, cancellationToken), none));
            phases.Add(await TcpPhase.RunAsync(
                TcpReport.UseCase, c, 1, warmup, duration,
                length => TcpPhase.OnThreadsAsync(c, length, verifier.VerifyUseCase, cancellationToken), none));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            RunDirectory.TryDelete(workingDirectory);
        }

        var report = new TcpReport(MachineInfo.Read(), options, serverPath, phases);
        Console.WriteLine();
        Console.Write(report.ToText());

        // A run with errors measured something else than answers: say so in the exit code as well.
        return phases.All(r => r.Figures.Failed == 0 && r.WarmupErrors == 0 && r.Figures.Succeeded > 0) ? 0 : 1;
    }

    /// <summary>A loopback port nobody listens on now (the kernel's pick); the server binds it a moment later.</summary>
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
