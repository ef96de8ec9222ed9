using Accounts.Queues.Tests.Support;

namespace Accounts.Queues.Tests;

/// <summary>
/// The test runner's entry point (what xunit would generate), plus one more role: with <see cref="ChildWorker.Verb"/>
/// first, the process is a queue worker that a stalled-job test kills with SIGKILL mid-job.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == ChildWorker.Verb)
        {
            return ChildWorker.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        if (args.Any(arg => arg is "--server" or "--internal-msbuild-node"))
        {
            return Xunit.MicrosoftTestingPlatform.TestPlatformTestFramework
                .RunAsync(args, SelfRegisteredExtensions.AddSelfRegisteredExtensions).GetAwaiter().GetResult();
        }

        return Xunit.Runner.InProc.SystemConsole.ConsoleRunner.Run(args).GetAwaiter().GetResult();
    }
}
