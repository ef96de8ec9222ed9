namespace Accounts.Redis.Tests;

public sealed class RedisResultTests
{
    [Fact]
    public void ReadsIntegersFromIntegerAndStringReplies()
    {
        RedisResult.FromInteger(42).AsInt64().ShouldBe(42);
        RedisResult.FromInteger(-1).AsInt64().ShouldBe(-1);
        RedisResult.FromInteger(1L << 40).AsInt64().ShouldBe(1L << 40);
        RedisResult.FromBulkString("-17").AsInt64().ShouldBe(-17);
        RedisResult.NullBulkString.AsNullableInt64().ShouldBeNull();
        Should.Throw<InvalidCastException>(() => RedisResult.NullBulkString.AsInt64());
        Should.Throw<InvalidCastException>(() => RedisResult.FromBulkString("abc").AsInt64());
        Should.Throw<InvalidCastException>(() => RedisResult.FromArray([]).AsInt64());
    }

    [Fact]
    public void ReadsScoresIncludingInfinities()
    {
        RedisResult.FromBulkString("1.5").AsNullableDouble().ShouldBe(1.5);
        RedisResult.FromBulkString("inf").AsNullableDouble().ShouldBe(double.PositiveInfinity);
        RedisResult.FromBulkString("-inf").AsNullableDouble().ShouldBe(double.NegativeInfinity);
        RedisResult.NullBulkString.AsNullableDouble().ShouldBeNull();
    }

    [Fact]
    public void ReadsArraysAsStrings()
    {
        var array = RedisResult.FromArray([RedisResult.FromBulkString("a"), RedisResult.NullBulkString, RedisResult.FromInteger(3)]);

        array.AsStringArray().ShouldBe(["a", null, "3"]);
        RedisResult.NullArray.AsStringArray().ShouldBeNull();
        Should.Throw<InvalidCastException>(() => RedisResult.FromInteger(1).AsArray());
    }

    [Fact]
    public void NeverShowsContentWhenPrinted()
    {
        RedisResult.FromBulkString("123456").ToString().ShouldBe("BulkString(6 bytes)");
        RedisResult.FromSimpleString("token").ToString().ShouldNotContain("token");
        RedisResult.NullArray.ToString().ShouldBe("Array(null)");
    }

    [Fact]
    public void ServerErrorsExposeTheirCode()
    {
        new RedisServerException("NOSCRIPT No matching script.").ErrorCode.ShouldBe("NOSCRIPT");
        new RedisServerException("ERR unknown command").ErrorCode.ShouldBe("ERR");
        new RedisServerException("user_script:1: oops").ErrorCode.ShouldBe("");
    }

    [Fact]
    public void ScriptsAreNamedByTheSha1RedisUses()
    {
        // printf "%s" "return 'hello moon'" | sha1sum; the integration tests compare with SCRIPT LOAD too.
        new RedisScript("return 'hello moon'").Sha1.ShouldBe("8e3d8cfcbb6571ecf555cc0a7d6fb950b4437dc6");
    }
}
