namespace Accounts.Redis.Tests;

public sealed class RedisOptionsTests
{
    [Fact]
    public void ParsesHostAndPort()
    {
        var options = RedisOptions.Parse("10.1.2.3:6380");

        options.Host.ShouldBe("10.1.2.3");
        options.Port.ShouldBe(6380);
        options.Endpoint.ShouldBe("10.1.2.3:6380");
        options.Password.ShouldBeNull();
        options.Database.ShouldBe(0);
        options.CommandTimeout.ShouldBe(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void DefaultsThePortTo6379()
    {
        RedisOptions.Parse("redis.internal").Endpoint.ShouldBe("redis.internal:6379");
    }

    [Theory]
    [InlineData("[::1]:7000", "::1", 7000)]
    [InlineData("[::1]", "::1", 6379)]
    [InlineData("::1", "::1", 6379)]
    public void ParsesIPv6Hosts(string configuration, string host, int port)
    {
        var options = RedisOptions.Parse(configuration);

        options.Host.ShouldBe(host);
        options.Port.ShouldBe(port);
        options.Endpoint.ShouldBe($"[{host}]:{port}");
    }

    [Fact]
    public void ParsesEveryOption()
    {
        var options = RedisOptions.Parse(
            " 127.0.0.1:6379 , password=s3cr=t, user=accounts, DB=2, name=accounts-api, connectTimeout=1500, commandTimeout=250, reconnectBaseDelay=20, reconnectMaxDelay=900");

        options.Password.ShouldBe("s3cr=t");
        options.User.ShouldBe("accounts");
        options.Database.ShouldBe(2);
        options.ClientName.ShouldBe("accounts-api");
        options.ConnectTimeout.ShouldBe(TimeSpan.FromMilliseconds(1500));
        options.CommandTimeout.ShouldBe(TimeSpan.FromMilliseconds(250));
        options.ReconnectBaseDelay.ShouldBe(TimeSpan.FromMilliseconds(20));
        options.ReconnectMaxDelay.ShouldBe(TimeSpan.FromMilliseconds(900));
    }

    [Theory]
    [InlineData("")]
    [InlineData("password=x")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:port")]
    [InlineData(":6379")]
    [InlineData("a:1,b:2")]
    [InlineData("a:1,db=-1")]
    [InlineData("a:1,commandTimeout=0")]
    [InlineData("a:1,timeout=5")]
    [InlineData("a:1,reconnectBaseDelay=500,reconnectMaxDelay=100")]
    [InlineData("a:1,name=has space")]
    public void RejectsMalformedConfiguration(string configuration)
    {
        var error = Should.Throw<Exception>(() => RedisOptions.Parse(configuration));

        (error is FormatException or ArgumentException).ShouldBeTrue();
    }

    [Theory]
    [InlineData("host:1,password=top,secret-part")]
    [InlineData("host:1,password=top,secret:part")]
    [InlineData("password=top,secret:99999,host:1")]
    public void NeverRepeatsThePasswordInAnError(string configuration)
    {
        var error = Should.Throw<FormatException>(() => RedisOptions.Parse(configuration));

        error.Message.ShouldNotContain("top");
        error.Message.ShouldNotContain("secret");
    }

    [Fact]
    public void HidesThePasswordWhenPrinted()
    {
        var text = RedisOptions.Parse("h:1,password=hunter2,db=3").ToString();

        text.ShouldNotContain("hunter2");
        text.ShouldStartWith("h:1,password=***");
        RedisOptions.Parse(text.Replace("***", "x", StringComparison.Ordinal)).Database.ShouldBe(3);
    }

    [Fact]
    public void ValidateNamesTheSettingAtFault()
    {
        var options = new RedisOptions { CommandTimeout = TimeSpan.Zero };

        Should.Throw<ArgumentException>(options.Validate).Message.ShouldContain("CommandTimeout");
    }
}
