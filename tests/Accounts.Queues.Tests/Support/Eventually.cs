namespace Accounts.Queues.Tests.Support;

/// <summary>Waits for what happens in the background, with a bound so that a broken queue fails instead of hanging.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public static async Task TrueAsync(Func<bool> condition, string what) => await TrueAsync(() => Task.FromResult(condition()), what);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Polls <paramref name="read"/> until it gives a value that satisfies <paramref name="condition"/>, and returns it.</summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public static async Task<T> Within<T>(this Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Bound, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            Assert.Fail($"Timed out waiting for {what}.");
            throw;
        }
    }

    public static async Task Within(this Task task, string what)
    {
        try
        {
            await task.WaitAsync(Bound, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            Assert.Fail($"Timed out waiting for {what}.");
        }
    }
}

internal static class JobQueueWaits
{
    /// <summary>Polls the job until it is in <paramref name="state"/>, and returns it.</summary>
    public static async Task<JobInfo> WaitForStateAsync(this IJobQueue queue, string queueName, string jobId, JobState state) =>
        (await Eventually.ReadAsync(
            () => queue.GetAsync(queueName, jobId, TestContext.Current.CancellationToken),
            job => job?.State == state,
            $"job {jobId} is {state}"))!;
}
