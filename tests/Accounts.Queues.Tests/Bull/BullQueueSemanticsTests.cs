using Accounts.Queues.Bull;
using Accounts.Queues.Tests.Support;
using Accounts.Redis;

namespace Accounts.Queues.Tests.Bull;

/// <summary>The queue semantics on Bull in a real Redis (skipped without <c>ACCOUNTS_TEST_REDIS</c>).</summary>
public sealed class BullQueueSemanticsTests : QueueSemanticsTests
{
    private RedisClient? _redis;

    protected override async ValueTask<IJobQueue> CreateQueueAsync()
    {
        _redis = await TestRedis.ConnectAsync();
        return new BullJobQueue(_redis, new BullQueueOptions { Prefix = TestRedis.UniquePrefix() });
    }

    protected override async ValueTask DisposeQueueAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
