using System.Text.Json.Nodes;

namespace Accounts.Queues;

/// <summary>
/// Runs one job. What it returns (JSON) becomes the job's return value; an exception fails the run with the
/// exception's message as the failed reason, and the job is retried while it has attempts left (unless
/// <see cref="Job.Discard"/> was called). The token is cancelled when the worker must stop at once, when the job's
/// timeout passes, or when the worker lost the job's lock (another worker may run it): stop promptly then.
/// </summary>
public interface IJobHandler
{
    Task<JsonNode?> HandleAsync(Job job, CancellationToken cancellationToken);
}

/// <summary>An <see cref="IJobHandler"/> over a delegate.</summary>
public sealed class DelegateJobHandler(Func<Job, CancellationToken, Task<JsonNode?>> handle) : IJobHandler
{
    private readonly Func<Job, CancellationToken, Task<JsonNode?>> _handle = handle ?? throw new ArgumentNullException(nameof(handle));

    public Task<JsonNode?> HandleAsync(Job job, CancellationToken cancellationToken) => _handle(job, cancellationToken);
}
