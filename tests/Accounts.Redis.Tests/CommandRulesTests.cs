using Accounts.Redis.Connections;

namespace Accounts.Redis.Tests;

public sealed class CommandRulesTests
{
    public static TheoryData<string, RedisValue[], TimeSpan?> BlockingCommands => new()
    {
        { "BRPOPLPUSH", ["a", "b", 5], TimeSpan.FromSeconds(5) },
        { "brpoplpush", ["a", "b", "1.5"], TimeSpan.FromSeconds(1.5) },
        { "BLPOP", ["a", "b", 0], null },
        { "BZPOPMIN", ["z", 0.25], TimeSpan.FromMilliseconds(250) },
        { "BLMOVE", ["a", "b", "LEFT", "RIGHT", 2], TimeSpan.FromSeconds(2) },
        { "BLMPOP", [3, 1, "a", "LEFT"], TimeSpan.FromSeconds(3) },
        { "XREAD", ["COUNT", 1, "BLOCK", 100, "STREAMS", "s", "$"], TimeSpan.FromMilliseconds(100) },
        { "XREADGROUP", ["GROUP", "g", "c", "BLOCK", 0, "STREAMS", "s", ">"], null },
        { "WAIT", [1, 250], TimeSpan.FromMilliseconds(250) },
    };

    [Theory]
    [MemberData(nameof(BlockingCommands))]
    public void ReadsHowLongABlockingCommandMayBlock(string command, RedisValue[] args, TimeSpan? expected)
    {
        CommandRules.IsBlocking(command, args, out var blockFor).ShouldBeTrue();
        blockFor.ShouldBe(expected);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("RPOPLPUSH")]
    [InlineData("XREAD")]
    public void TellsNonBlockingCommandsApart(string command)
    {
        CommandRules.IsBlocking(command, ["COUNT", 1, "STREAMS", "BLOCK", "0"], out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("BRPOPLPUSH")]
    [InlineData("BLPOP")]
    [InlineData("MULTI")]
    [InlineData("WATCH")]
    [InlineData("SUBSCRIBE")]
    [InlineData("MONITOR")]
    [InlineData("SELECT")]
    [InlineData("AUTH")]
    [InlineData("HELLO")]
    [InlineData("QUIT")]
    public void KeepsStatefulAndBlockingCommandsOffTheSharedConnection(string command)
    {
        Should.Throw<InvalidOperationException>(() => CommandRules.EnsureAllowedOnShared(command, ["x", 1]));
    }

    [Theory]
    [InlineData("BRPOPLPUSH")]
    [InlineData("MULTI")]
    [InlineData("EXEC")]
    [InlineData("WATCH")]
    public void LetsADedicatedConnectionBlockAndRunTransactions(string command)
    {
        Should.NotThrow(() => CommandRules.EnsureAllowedOnDedicated(command, ["x", 1]));
    }

    [Theory]
    [InlineData("SUBSCRIBE")]
    [InlineData("SELECT")]
    [InlineData("RESET")]
    public void KeepsPushModeAndSetupCommandsOffDedicatedConnections(string command)
    {
        Should.Throw<InvalidOperationException>(() => CommandRules.EnsureAllowedOnDedicated(command, ["x"]));
    }

    [Fact]
    public void RefusesClientReplyEverywhere()
    {
        Should.Throw<InvalidOperationException>(() => CommandRules.EnsureAllowedOnDedicated("CLIENT", ["reply", "OFF"]));
        Should.NotThrow(() => CommandRules.EnsureAllowedOnShared("CLIENT", ["LIST"]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("CLIENT LIST")]
    [InlineData("GET\r\n")]
    public void RefusesMalformedCommandNames(string command)
    {
        Should.Throw<ArgumentException>(() => CommandRules.EnsureValidName(command));
    }
}
