using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Accounts.Server.Tests;

/// <summary>Email codes through a real SMTP server on loopback (aiosmtpd, started by ./test.sh), read from its Maildir.</summary>
public sealed class SmtpDeliveryTests
{
    private static string? Endpoint => Environment.GetEnvironmentVariable("ACCOUNTS_TEST_SMTP");

    private static string Maildir => Environment.GetEnvironmentVariable("ACCOUNTS_TEST_SMTP_MAILDIR")!;

    [Fact]
    public async Task RegistrationCodeArrivesByEmailAndNotInTheOutbox()
    {
        await using var app = Start();
        var client = app.CreateClient();
        var destination = $"smtp-{Guid.NewGuid():N}@example.com";

        (await client.PostAsJsonAsync("/v1/verifications", new { channel = "email", destination, purpose = "register" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var mail = await WaitForMailAsync(destination);
        var code = Regex.Match(Body(mail), @"code is (\d{6})").Groups[1].Value;

        mail.ShouldContain("Subject: Your verification code");
        mail.ShouldContain("From: accounts@example.com");
        app.OutboxMessages().ShouldBeEmpty();
        var response = await client.PostAsJsonAsync("/v1/users", new { username = "mailed", password = TestUsers.Password, email = destination, code });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PhoneCodesStillGoToTheOutboxWhenOnlySmtpIsConfigured()
    {
        await using var app = Start();

        (await app.CreateClient().PostAsJsonAsync("/v1/verifications", new { channel = "whatsapp", destination = "+15555550123", purpose = "register" }))
            .StatusCode.ShouldBe(HttpStatusCode.Accepted);

        app.OutboxMessages().Single()["channel"]!.ToString().ShouldBe("whatsapp");
    }

    [Fact]
    public async Task RelayDownDelaysTheCodeNotTheRequest()
    {
        Assert.SkipWhen(string.IsNullOrEmpty(Endpoint), "ACCOUNTS_TEST_SMTP is not set (./test.sh starts an SMTP sink).");
        using var gate = new TcpGate(Endpoint!);
        var port = gate.Address.Split(':')[1];
        await using var app = new AccountsApplication(
            new Dictionary<string, string?>
            {
                ["Accounts:Smtp:Host"] = "127.0.0.1",
                ["Accounts:Smtp:Port"] = port,
                ["Accounts:Smtp:From"] = "accounts@example.com",
                ["Accounts:Smtp:StartTls"] = "false",
            },
            realTime: true);
        var destination = $"smtp-{Guid.NewGuid():N}@example.com";

        var response = await app.CreateClient().PostAsJsonAsync("/v1/verifications", new { channel = "email", destination, purpose = "register" });

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, "the request does not wait on the relay");
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        Directory.EnumerateFiles(Path.Combine(Maildir, "new")).Select(File.ReadAllText).ShouldNotContain(mail => mail.Contains(destination, StringComparison.Ordinal));

        gate.Open();
        var code = Regex.Match(Body(await WaitForMailAsync(destination)), @"code is (\d{6})").Groups[1].Value;
        code.Length.ShouldBe(6);
    }

    private static AccountsApplication Start()
    {
        Assert.SkipWhen(string.IsNullOrEmpty(Endpoint), "ACCOUNTS_TEST_SMTP is not set (./test.sh starts an SMTP sink).");
        var (host, port) = (Endpoint!.Split(':')[0], Endpoint.Split(':')[1]);
        return new AccountsApplication(new Dictionary<string, string?>
        {
            ["Accounts:Smtp:Host"] = host,
            ["Accounts:Smtp:Port"] = port,
            ["Accounts:Smtp:From"] = "accounts@example.com",
            ["Accounts:Smtp:StartTls"] = "false",
        });
    }

    /// <summary>The text of a single-part message, decoded from its transfer encoding.</summary>
    private static string Body(string mail)
    {
        var split = mail.IndexOf("\n\n", StringComparison.Ordinal);
        var (headers, body) = (mail[..split], mail[(split + 2)..]);
        return headers.Contains("Content-Transfer-Encoding: base64", StringComparison.OrdinalIgnoreCase)
            ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Split('\n', StringSplitOptions.TrimEntries))))
            : body;
    }

    /// <summary>The raw message sent to <paramref name="destination"/>, once the server has stored it.</summary>
    private static async Task<string> WaitForMailAsync(string destination)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            foreach (var file in Directory.Exists(Path.Combine(Maildir, "new")) ? Directory.GetFiles(Path.Combine(Maildir, "new")) : [])
            {
                var text = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
                if (text.Contains(destination, StringComparison.Ordinal))
                {
                    return text;
                }
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"no mail reached {destination} in {Maildir}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
