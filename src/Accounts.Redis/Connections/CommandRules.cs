using System.Collections.Frozen;

namespace Accounts.Redis.Connections;

/// <summary>
/// Which commands may run where. The shared connection carries everybody's commands interleaved, so nothing may
/// change its state or hold it; a dedicated connection may hold transactions and blocking commands, but still nothing
/// that would change how replies arrive or undo what each new connection sets up.
/// </summary>
internal static class CommandRules
{
    private static readonly FrozenSet<string> PushMode = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE", "MONITOR");

    private static readonly FrozenSet<string> ConnectionSetup = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "AUTH", "SELECT", "HELLO", "RESET", "QUIT");

    private static readonly FrozenSet<string> Transaction = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH");

    /// <summary>Commands whose block time is their last argument, in seconds.</summary>
    private static readonly FrozenSet<string> BlockSecondsLast = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "BLPOP", "BRPOP", "BRPOPLPUSH", "BLMOVE", "BZPOPMIN", "BZPOPMAX");

    /// <summary>Commands whose block time is their first argument, in seconds.</summary>
    private static readonly FrozenSet<string> BlockSecondsFirst = FrozenSet.Create(StringComparer.OrdinalIgnoreCase, "BLMPOP", "BZMPOP");

    public static void EnsureValidName(string command)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        if (command.Any(c => c <= ' ' || c > '~'))
        {
            throw new ArgumentException("A command is one word of printable ASCII; put sub-commands in the arguments.", nameof(command));
        }
    }

    public static void EnsureAllowedOnShared(string command, ReadOnlySpan<RedisValue> args)
    {
        EnsureAllowedOnDedicated(command, args);
        if (Transaction.Contains(command))
        {
            throw new InvalidOperationException(
                $"{command} would involve every caller of the shared connection in one transaction; run transactions on a dedicated connection (CreateDedicatedConnectionAsync), or use a script.");
        }

        if (IsBlocking(command, args, out _))
        {
            throw new InvalidOperationException(
                $"{command} blocks its connection and would stall every caller of the shared one; run it on a dedicated connection (CreateDedicatedConnectionAsync).");
        }
    }

    public static void EnsureAllowedOnDedicated(string command, ReadOnlySpan<RedisValue> args)
    {
        EnsureValidName(command);
        if (PushMode.Contains(command))
        {
            throw new InvalidOperationException($"{command} turns a connection into a push stream; use IRedisClient.SubscribeAsync for pub/sub.");
        }

        if (ConnectionSetup.Contains(command))
        {
            throw new InvalidOperationException(
                $"{command} changes connection state that the client sets up itself on every new connection; use RedisOptions (Password, User, Database).");
        }

        if (string.Equals(command, "CLIENT", StringComparison.OrdinalIgnoreCase) && args.Length > 0 && args[0].IsKeyword("REPLY"))
        {
            throw new InvalidOperationException("CLIENT REPLY would break the pairing of commands and replies.");
        }
    }

    /// <summary>
    /// True when <paramref name="command"/> blocks its connection. <paramref name="blockFor"/> is how long the
    /// server may hold it before answering, or null when that is unbounded (a timeout of 0).
    /// </summary>
    public static bool IsBlocking(string command, ReadOnlySpan<RedisValue> args, out TimeSpan? blockFor)
    {
        blockFor = null;
        if (BlockSecondsLast.Contains(command))
        {
            blockFor = args.Length > 0 ? ReadBlock(args[^1], TimeSpan.TicksPerSecond) : TimeSpan.Zero;
            return true;
        }

        if (BlockSecondsFirst.Contains(command))
        {
            blockFor = args.Length > 0 ? ReadBlock(args[0], TimeSpan.TicksPerSecond) : TimeSpan.Zero;
            return true;
        }

        if (string.Equals(command, "WAIT", StringComparison.OrdinalIgnoreCase))
        {
            blockFor = args.Length > 1 ? ReadBlock(args[1], TimeSpan.TicksPerMillisecond) : TimeSpan.Zero;
            return true;
        }

        if (string.Equals(command, "WAITAOF", StringComparison.OrdinalIgnoreCase))
        {
            blockFor = args.Length > 2 ? ReadBlock(args[2], TimeSpan.TicksPerMillisecond) : TimeSpan.Zero;
            return true;
        }

        if (string.Equals(command, "XREAD", StringComparison.OrdinalIgnoreCase) || string.Equals(command, "XREADGROUP", StringComparison.OrdinalIgnoreCase))
        {
            for (var i = 0; i < args.Length - 1; i++)
            {
                if (args[i].IsKeyword("STREAMS"))
                {
                    break;
                }

                if (args[i].IsKeyword("BLOCK"))
                {
                    blockFor = ReadBlock(args[i + 1], TimeSpan.TicksPerMillisecond);
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A block time; zero means forever (null). A malformed one is rejected by the server at once.</summary>
    private static TimeSpan? ReadBlock(RedisValue value, long ticksPerUnit)
    {
        if (!value.TryGetDouble(out var units) || units < 0 || double.IsInfinity(units))
        {
            return TimeSpan.Zero;
        }

        return units == 0 ? null : TimeSpan.FromTicks((long)Math.Min(units * ticksPerUnit, TimeSpan.MaxValue.Ticks / 2));
    }
}
