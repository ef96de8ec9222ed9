// The integration tests spend their time waiting on the broker (a consumer group forms only after the mock cluster's
// 3 s join delay), not computing: running more of them at once than there are cores keeps the project's run short.
[assembly: CollectionBehavior(MaxParallelThreads = 8)]
