using Accounts.Queues.InProcess;

namespace Accounts.Queues.Tests.InProcess;

/// <summary>The queue semantics on the in-process queue (the embedded default).</summary>
public sealed class InProcessQueueSemanticsTests : QueueSemanticsTests
{
    protected override ValueTask<IJobQueue> CreateQueueAsync() => ValueTask.FromResult<IJobQueue>(new InProcessJobQueue());
}
