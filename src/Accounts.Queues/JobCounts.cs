namespace Accounts.Queues;

/// <summary>How many jobs a queue holds in each state (Bull's <c>queue.getJobCounts()</c>).</summary>
public sealed record JobCounts(long Waiting, long Active, long Completed, long Failed, long Delayed, long Paused);
