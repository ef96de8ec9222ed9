using Accounts.Notifications.SocketIo;

namespace Accounts.Notifications.Tests.SocketIo;

public sealed class SocketIoOptionsTests
{
    private const string UrlSetting = "Accounts:Notifications:SocketIo:Url";

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void IsOffWithoutAUrl(string? url)
    {
        var options = new SocketIoOptions { Url = url };

        options.Enabled.ShouldBeFalse();
        options.Validate().ShouldBeNull();
    }

    [Theory]
    [InlineData("http://127.0.0.1:3000")]
    [InlineData("https://messages.example.com/")]
    [InlineData("ws://localhost:3000")]
    [InlineData("WSS://messages.example.com:8443")]
    public void AcceptsAServerUrlWithTheDefaults(string url) => new SocketIoOptions { Url = url }.Validate().ShouldBeNull();

    [Theory]
    [InlineData("not a url")]
    [InlineData("messages:3000")]
    [InlineData("/socket.io/")]
    [InlineData("ftp://messages.example.com")]
    [InlineData("mailto:ops@example.com")]
    [InlineData("file:///tmp/socket")]
    public void RejectsAUrlThatIsNotAnHttpOrWebSocketServerNamingTheSetting(string url)
    {
        var failure = new SocketIoOptions { Url = url }.Validate();

        failure.ShouldNotBeNull();
        failure.ShouldStartWith($"{UrlSetting}: must be an absolute http, https, ws or wss URL");
    }

    [Theory]
    [InlineData("http://127.0.0.1:3000/messages")]
    [InlineData("http://127.0.0.1:3000/?EIO=4")]
    [InlineData("http://127.0.0.1:3000/#top")]
    public void RejectsAPathOrQueryPointingToThePathSetting(string url)
    {
        var failure = new SocketIoOptions { Url = url }.Validate();

        failure.ShouldNotBeNull();
        failure.ShouldStartWith($"{UrlSetting}:");
        failure.ShouldContain("Accounts:Notifications:SocketIo:Path");
    }

    [Fact]
    public void RejectsCredentialsInTheUrlWithoutRepeatingThem()
    {
        var failure = new SocketIoOptions { Url = "http://ops:hunter2@127.0.0.1:3000" }.Validate();

        failure.ShouldNotBeNull();
        failure.ShouldStartWith($"{UrlSetting}:");
        failure.ShouldNotContain("hunter2");
        failure.ShouldContain("AuthToken");
    }

    public static TheoryData<Action<SocketIoOptions>, string> BadSettings => new()
    {
        { o => o.Path = "socket.io", "Path" },
        { o => o.Path = "/socket.io/?x=1", "Path" },
        { o => o.Path = "", "Path" },
        { o => o.ReconnectDelay = TimeSpan.Zero, "ReconnectDelay" },
        { o => o.ReconnectDelay = TimeSpan.FromSeconds(30), "ReconnectDelay" },
        { o => o.MaxReconnectDelay = TimeSpan.FromHours(1), "MaxReconnectDelay" },
        { o => o.ConnectTimeout = TimeSpan.Zero, "ConnectTimeout" },
        { o => o.MaxBuffered = 0, "MaxBuffered" },
        { o => o.MaxBuffered = 2_000_000, "MaxBuffered" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void RejectsAnOutOfRangeSettingNamingIt(Action<SocketIoOptions> change, string setting)
    {
        var options = new SocketIoOptions { Url = "http://127.0.0.1:3000" };
        change(options);

        options.Validate().ShouldNotBeNull().ShouldStartWith($"Accounts:Notifications:SocketIo:{setting}:");
    }

    [Fact]
    public void TheBridgeRefusesOptionsThatDoNotValidate()
    {
        var error = Should.Throw<ArgumentException>(() => new SocketIoBridge(new SocketIoOptions { Url = "ftp://x" }));

        error.Message.ShouldStartWith($"{UrlSetting}:");
    }

    [Fact]
    public void TheBridgeRefusesOptionsWithoutAUrl()
    {
        var error = Should.Throw<ArgumentException>(() => new SocketIoBridge(new SocketIoOptions()));

        error.Message.ShouldStartWith($"{UrlSetting}:");
    }
}
