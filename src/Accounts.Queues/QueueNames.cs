namespace Accounts.Queues;

internal static class QueueNames
{
    /// <summary>A queue name becomes part of Redis keys and channels: it must be non-empty and printable.</summary>
    public static void Validate(string queueName, string parameterName = "queueName")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queueName, parameterName);
        if (queueName.Any(char.IsControl))
        {
            throw new ArgumentException("A queue name cannot hold control characters.", parameterName);
        }
    }

    public static void ValidateJobId(string jobId, string parameterName = "jobId")
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId, parameterName);
        if (jobId.Any(char.IsControl))
        {
            throw new ArgumentException("A job id cannot hold control characters.", parameterName);
        }
    }
}
