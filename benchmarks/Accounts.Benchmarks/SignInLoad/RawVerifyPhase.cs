using System.Diagnostics;
using Accounts.Core.Security;
using Accounts.Security;

namespace Accounts.Benchmarks.SignInLoad;

/// <summary>
/// Argon2id verifications in this process, one loop per thread, at the given costs: what the machine can do when
/// it does nothing but the one expensive step of a sign-in.
/// </summary>
internal static class RawVerifyPhase
{
    public static Task<Measurement> RunAsync(int concurrency, TimeSpan duration, string hash, int memoryKiB, int iterations, CancellationToken cancellationToken) =>
        Measurement.RunAsync(concurrency, duration, loop => OnOwnThread(() => Loop(loop, hash, memoryKiB, iterations, cancellationToken)));

    private static void Loop(WorkerLoop loop, string hash, int memoryKiB, int iterations, CancellationToken cancellationToken)
    {
        while (loop.HasTimeLeft)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            var result = Argon2idPasswordHasher.Verify(hash, AccountSetup.Password, memoryKiB, iterations);
            if (result == PasswordVerification.Success)
            {
                loop.Success(started);
            }
            else
            {
                loop.Failure(result.ToString());
            }
        }
    }

    /// <summary>A dedicated thread per loop: the thread pool's injection rate must not decide how many verify at once.</summary>
    private static Task OnOwnThread(Action action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                action();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "raw-argon2id-verify",
        };
        thread.Start();
        return done.Task;
    }
}
