namespace Accounts.Redis.Connections;

/// <summary>EVALSHA first; on NOSCRIPT (an empty script cache after a restart or SCRIPT FLUSH) EVAL, which also caches the script again.</summary>
internal static class ScriptRunner
{
    public static async Task<RedisResult> EvaluateAsync(
        IRedisCommands redis,
        RedisScript script,
        ReadOnlyMemory<RedisValue> keys,
        ReadOnlyMemory<RedisValue> args,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(script);
        var arguments = new RedisValue[2 + keys.Length + args.Length];
        arguments[0] = script.Sha1;
        arguments[1] = keys.Length;
        keys.Span.CopyTo(arguments.AsSpan(2));
        args.Span.CopyTo(arguments.AsSpan(2 + keys.Length));
        try
        {
            return await redis.ExecuteAsync("EVALSHA", arguments, cancellationToken);
        }
        catch (RedisServerException ex) when (ex.ErrorCode == "NOSCRIPT")
        {
            // NOSCRIPT means the script did not run, so sending it again cannot run it twice.
            arguments[0] = script.Source;
            return await redis.ExecuteAsync("EVAL", arguments, cancellationToken);
        }
    }
}
