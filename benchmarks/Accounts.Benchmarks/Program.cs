using Accounts.Benchmarks.Micro;
using Accounts.Benchmarks.SignInLoad;

// The first argument picks the mode; the rest belong to it (BenchmarkDotNet's own arguments for "micro").
return args switch
{
    ["micro", .. var rest] => MicroBenchmarks.Run(rest),
    ["signin-load", .. var rest] => await SignInLoadCommand.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          Accounts.Benchmarks micro [BenchmarkDotNet arguments, e.g. --filter *Jwt*]
          Accounts.Benchmarks signin-load [--seconds N] [--concurrency C] [--warmup-seconds W] [--out FILE] [--server PATH]
        """);
    return 2;
}
