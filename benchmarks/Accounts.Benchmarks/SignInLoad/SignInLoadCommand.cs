using System.Diagnostics;
using Accounts.Benchmarks.Common;
using Accounts.Security;

namespace Accounts.Benchmarks.SignInLoad;

/// <summary>
/// The "signin-load" mode: sign-ins per second through the real server, then raw Argon2id verifications per second
/// in this process at the same costs, concurrency and duration (never both at once), and their ratio.
/// </summary>
internal static class SignInLoadCommand
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(string[] args)
    {
        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        // Ctrl+C and SIGTERM stop the run through the finally blocks, which kill the server and remove its directory.
        return await Interruptible.RunAsync(cancellationToken => RunAsync(options, cancellationToken));
    }

    private static async Task<int> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        // The server runs with its defaults (inherited Accounts__ settings are cleared), so these are its costs too.
        var costs = new PasswordHashingOptions();
        var serverPath = Path.GetFullPath(options.ServerPath ?? ServerProcess.DefaultServerPath());
        var machine = MachineInfo.Read();
        var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
        var duration = TimeSpan.FromSeconds(options.Seconds);
        Console.WriteLine($"server       {serverPath}");
#if DEBUG
        Console.WriteLine("warning      a Debug build of this tool (and by default of the server): use -c Release for figures worth keeping");
#endif

        Measurement signIns;
        int warmupErrors;
        PhaseCpu signInCpu;

        // The README's layout: started from a directory, data in ./data under it (the content root the host watches).
        var workingDirectory = Directory.CreateTempSubdirectory("accounts-signin-load-").FullName;
        var dataDirectory = Path.Combine(workingDirectory, "data");
        try
        {
            await using var server = await ServerProcess.StartAsync(serverPath, workingDirectory, dataDirectory, StartTimeout, cancellationToken);
            Console.WriteLine($"listening    {server.BaseAddress} (pid {server.Id}, data {dataDirectory})");
            using var client = SignInPhase.CreateClient(server.BaseAddress, options.Concurrency);
            await AccountSetup.RegisterAsync(client, Path.Combine(dataDirectory, "outbox.jsonl"), cancellationToken);
            Console.WriteLine($"registered   {AccountSetup.Username}; signing in with {options.Concurrency} loops for {options.WarmupSeconds} + {options.Seconds} s");

            warmupErrors = warmup > TimeSpan.Zero
                ? (await SignInPhase.RunAsync(client, options.Concurrency, warmup, cancellationToken)).Failed
                : 0;
            var machineBefore = SystemCpu.Read();
            var serverCpuBefore = server.CpuTime;
            var clientCpuBefore = OwnCpuTime();
            signIns = await SignInPhase.RunAsync(client, options.Concurrency, duration, cancellationToken);
            signInCpu = new PhaseCpu(server.CpuTime - serverCpuBefore, OwnCpuTime() - clientCpuBefore, machineBefore, SystemCpu.Read());
        }
        finally
        {
            RunDirectory.TryDelete(workingDirectory);
        }

        // The server is gone by now: the raw loop has the machine to itself, as the server had (with its client).
        Console.WriteLine($"raw verify   {options.Concurrency} threads for {options.WarmupSeconds} + {options.Seconds} s");
        var hash = Argon2idPasswordHasher.Hash(AccountSetup.Password, costs.MemoryKiB, costs.Iterations);
        if (warmup > TimeSpan.Zero)
        {
            await RawVerifyPhase.RunAsync(options.Concurrency, warmup, hash, costs.MemoryKiB, costs.Iterations, cancellationToken);
        }

        var rawMachineBefore = SystemCpu.Read();
        var rawCpuBefore = OwnCpuTime();
        var raw = await RawVerifyPhase.RunAsync(options.Concurrency, duration, hash, costs.MemoryKiB, costs.Iterations, cancellationToken);
        var rawCpu = new PhaseCpu(TimeSpan.Zero, OwnCpuTime() - rawCpuBefore, rawMachineBefore, SystemCpu.Read());

        var report = LoadReport.From(
            machine,
            new LoadReport.RunParameters(options.Seconds, options.WarmupSeconds, options.Concurrency, costs.MemoryKiB, costs.Iterations, serverPath),
            signIns,
            warmupErrors,
            signInCpu,
            raw,
            rawCpu);
        Console.WriteLine();
        Console.Write(report.ToText());
        if (options.OutputPath is { } output)
        {
            var full = Path.GetFullPath(output);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, report.ToJson() + "\n", cancellationToken);
            Console.WriteLine($"written      {full}");
        }

        // A run with failed sign-ins measured something else than sign-ins: say so in the exit code as well.
        return signIns.Failed + warmupErrors + raw.Failed == 0 && signIns.Succeeded > 0 ? 0 : 1;
    }

    private static TimeSpan OwnCpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}
