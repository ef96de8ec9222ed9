using System.Text.Json.Nodes;

namespace Accounts.Queues;

/// <summary>
/// The job queues, whatever carries them: Bull on Redis (<see cref="Bull.BullJobQueue"/>) or this process
/// (<see cref="InProcess.InProcessJobQueue"/>). Queue names are Bull's (<c>Create_User</c>, ...). Thread-safe.
/// </summary>
public interface IJobQueue
{
    /// <summary>
    /// Adds a job and returns its id. With <see cref="JobOptions.JobId"/> set and a job of that id present already,
    /// adds nothing and returns that id.
    /// </summary>
    /// <param name="data">The job's data (Bull's <c>job.data</c>); null is stored as <c>{}</c>, as Bull does.</param>
    Task<string> AddAsync(string queueName, JsonNode? data, JobOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The job, or null when there is none of that id (never added, or removed when it finished).</summary>
    Task<JobInfo?> GetAsync(string queueName, string jobId, CancellationToken cancellationToken = default);

    Task<JobCounts> GetCountsAsync(string queueName, CancellationToken cancellationToken = default);

    /// <summary>
    /// A worker for <paramref name="queueName"/> that runs <paramref name="handler"/>; it starts with
    /// <see cref="QueueWorker.StartAsync"/>. Options are validated here.
    /// </summary>
    QueueWorker CreateWorker(string queueName, IJobHandler handler, QueueWorkerOptions? options = null);
}
