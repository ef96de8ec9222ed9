using Accounts.Benchmarks.Micro;
using Accounts.Benchmarks.Queues;
using Accounts.Benchmarks.Redis;
using Accounts.Benchmarks.SignInLoad;
using Accounts.Benchmarks.Storage;
using Accounts.Benchmarks.Tcp;

// The first argument picks the mode; the rest belong to it (BenchmarkDotNet's own arguments for "micro").
return args switch
{
    ["micro", .. var rest] => MicroBenchmarks.Run(rest),
    ["signin-load", .. var rest] => await SignInLoadCommand.RunAsync(rest),
    ["storage", .. var rest] => await StorageCommand.RunAsync(rest),
    ["redis", .. var rest] => await RedisRateCommand.RunAsync(rest),
    ["tcp", .. var rest] => await TcpCommand.RunAsync(rest),
    ["queues", .. var rest] => await QueuesCommand.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          Accounts.Benchmarks micro [BenchmarkDotNet arguments, e.g. --filter *Jwt*]
          Accounts.Benchmarks signin-load [--seconds N] [--concurrency C] [--warmup-seconds W] [--out FILE] [--server PATH]
          Accounts.Benchmarks storage [--seconds N] [--warmup-seconds W] [--concurrency C] [--engines sqlite,mariadb,postgres]
                                      [--quiet-seconds S] [--retries K] [--slack-seconds T] [--out FILE]
          Accounts.Benchmarks redis [--requests N] [--clients C] [--pipeline 1,16] [--rounds R] [--server host:port]
                                    [--redis-benchmark PATH] [--quiet-seconds S] [--retries K] [--slack-seconds T] [--out FILE]
          Accounts.Benchmarks tcp [--seconds N] [--warmup-seconds W] [--connections C] [--pipeline P] [--server PATH]
          Accounts.Benchmarks queues [--jobs N] [--delete-jobs N] [--warmup-jobs W] [--rounds R] [--concurrency C]
                                     [--tests noop,delete-user] [--redis host:port] [--server PATH]
                                     [--quiet-seconds S] [--slack-seconds T] [--out FILE]
        """);
    return 2;
}
