using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Accounts.Tcp.Client;

namespace Accounts.Server.Tests;

/// <summary>
/// The binary TCP door of the real server process, over a real socket, with the real use cases behind it: the
/// whole seed-004 flow, the OTP read from a real SMTP server on loopback, and every business error status.
/// </summary>
public sealed class TcpDoorTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "accounts-tcp-tests", Guid.NewGuid().ToString("N"));
    private Process? _server;
    private Func<ValueTask> _dropStack = () => ValueTask.CompletedTask;
    private AccountsTcpClient _client = null!;
    private int _httpPort;

    private static string? Smtp => Environment.GetEnvironmentVariable("ACCOUNTS_TEST_SMTP");

    private static string Maildir => Environment.GetEnvironmentVariable("ACCOUNTS_TEST_SMTP_MAILDIR")!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Assert.SkipWhen(string.IsNullOrEmpty(Smtp), "ACCOUNTS_TEST_SMTP is not set (./test.sh starts an SMTP sink).");
        (var settings, _dropStack) = TestStack.Prepare();
        settings["Accounts:Smtp:Host"] = Smtp!.Split(':')[0];
        settings["Accounts:Smtp:Port"] = Smtp.Split(':')[1];
        settings["Accounts:Smtp:From"] = "accounts@example.com";
        settings["Accounts:Smtp:StartTls"] = "false";
        settings["Accounts:Passwords:MemoryKiB"] = "8192";
        settings["Accounts:Passwords:Iterations"] = "1";
        settings["Accounts:DataDirectory"] = _data;
        var tcpPort = ServerProcess.FreePort();
        _httpPort = ServerProcess.FreePort();
        settings["Accounts:Tcp:Port"] = tcpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["ASPNETCORE_URLS"] = $"http://127.0.0.1:{_httpPort}";
        _server = ServerProcess.Start(settings);

        _client = new AccountsTcpClient("127.0.0.1", tcpPort);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await _client.PingAsync(Ct);
                return;
            }
            catch (Exception ex) when (ex is TcpConnectionException or IOException or SocketException && DateTime.UtcNow < deadline && !_server.HasExited)
            {
                await Task.Delay(200, Ct);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_server is not null)
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync(CancellationToken.None);
            _server.Dispose();
        }

        await _dropStack();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    [Fact]
    public async Task WholeSessionOverTcpWithTheOtpFromSmtp()
    {
        var email = $"tcp-{Guid.NewGuid():N}@example.com";
        var pending = await _client.RegisterAsync("tcpuser", email, TestUsers.Password, Ct);
        pending.Status.ShouldBe("pending");
        var otp = await WaitForOtpAsync(email);

        var signedUp = await _client.VerifyOtpAsync(email, otp, Ct);
        signedUp.User.Username.ShouldBe("tcpuser");
        signedUp.User.Email.ShouldBe(email);

        var status = await _client.VerifyTokenAsync(signedUp.AccessToken, Ct);
        status.Active.ShouldBeTrue();
        status.Sub.ShouldBe(signedUp.User.Id);

        var updated = await _client.UpdateUserAsync(signedUp.AccessToken, new ProfileUpdate { DisplayName = "Over TCP" }, Ct);
        updated.DisplayName.ShouldBe("Over TCP");

        var refreshed = await _client.RefreshTokenAsync(signedUp.RefreshToken, Ct);
        refreshed.RefreshToken.ShouldNotBe(signedUp.RefreshToken);
        var login = await _client.LoginAsync(email, TestUsers.Password, Ct);
        login.ExpiresIn.ShouldBe(900);

        await _client.DeleteUserAsync(login.AccessToken, TestUsers.Password, Ct);
        (await _client.VerifyTokenAsync(login.AccessToken, Ct)).Active.ShouldBeFalse();
        (await _client.VerifyTokenAsync(refreshed.AccessToken, Ct)).Active.ShouldBeFalse();
    }

    [Fact]
    public async Task BusinessErrorsCarryTheirStatusAndStableCode()
    {
        var invalid = await Should.ThrowAsync<TcpProtocolException>(() => _client.RegisterAsync("ok-name", "not-an-email", TestUsers.Password, Ct));
        (invalid.Status, invalid.Code).ShouldBe((TcpStatus.BadRequest, "invalid_email"));

        var unauthorized = await Should.ThrowAsync<TcpProtocolException>(() => _client.UpdateUserAsync("not-a-token", new ProfileUpdate { DisplayName = "x" }, Ct));
        (unauthorized.Status, unauthorized.Code).ShouldBe((TcpStatus.Unauthorized, "invalid_token"));

        var email = $"tcp-{Guid.NewGuid():N}@example.com";
        await _client.RegisterAsync("taken", email, TestUsers.Password, Ct);
        await _client.VerifyOtpAsync(email, await WaitForOtpAsync(email), Ct);
        var conflict = await Should.ThrowAsync<TcpProtocolException>(() => _client.RegisterAsync("Taken", $"other-{email}", TestUsers.Password, Ct));
        (conflict.Status, conflict.Code).ShouldBe((TcpStatus.Conflict, "username_taken"));

        for (var i = 0; i < 9; i++)
        {
            (await Should.ThrowAsync<TcpProtocolException>(() => _client.LoginAsync("taken", "wrong password", Ct))).Status.ShouldBe(TcpStatus.Unauthorized);
        }

        var locked = await Should.ThrowAsync<TcpProtocolException>(() => _client.LoginAsync("taken", "wrong password", Ct));
        (locked.Status, locked.Code).ShouldBe((TcpStatus.Forbidden, "account_locked"));
        locked.RetryAfter.ShouldNotBeNull();

        var flooded = $"flood-{Guid.NewGuid():N}@example.com";
        for (var i = 0; i < 5; i++)
        {
            await _client.RegisterAsync($"flood{i}", flooded, TestUsers.Password, Ct);
        }

        var limited = await Should.ThrowAsync<TcpProtocolException>(() => _client.RegisterAsync("flood9", flooded, TestUsers.Password, Ct));
        (limited.Status, limited.Code).ShouldBe((TcpStatus.RateLimited, "too_many_codes"));
    }

    [Fact]
    public async Task HttpStillServesBesideTheTcpDoor()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_httpPort}") };

        (await http.GetAsync("/health/live", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task<string> WaitForOtpAsync(string email)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            foreach (var file in Directory.Exists(Path.Combine(Maildir, "new")) ? Directory.GetFiles(Path.Combine(Maildir, "new")) : [])
            {
                var text = await File.ReadAllTextAsync(file, Ct);
                if (text.Contains(email, StringComparison.Ordinal))
                {
                    var split = text.IndexOf("\n\n", StringComparison.Ordinal);
                    var body = text[(split + 2)..];
                    var decoded = text[..split].Contains("base64", StringComparison.OrdinalIgnoreCase)
                        ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Split('\n', StringSplitOptions.TrimEntries))))
                        : body;
                    return Regex.Match(decoded, @"code is (\d{6})").Groups[1].Value;
                }
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"no OTP reached {email}");
            await Task.Delay(100, Ct);
        }
    }
}
