using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Accounts.Delivery.Twilio.Tests.Support;
using Accounts.Server.Tests.Jobs;

namespace Accounts.Server.Tests.Deliveries;

/// <summary>
/// Code requests through a real Kafka-protocol broker (librdkafka's mock cluster, kept by kcat; ACCOUNTS_TEST_KAFKA is
/// set by ./test.sh): HTTP and Bull requests reach topic Verification as the original's <c>{Id, Phone}</c>, are
/// consumed, and the code reaches Twilio (a local server checking requests as Twilio documents them) once.
/// </summary>
public sealed class KafkaDeliveryTests
{
    private const string Phone = "+14155550123";

    [Fact]
    public async Task HttpAndBullRequestsCrossTheTopicAndReachTwilio()
    {
        var servers = Broker();
        await using var twilio = await FakeTwilio.StartAsync();
        var (settings, topic) = Settings(servers, twilio);
        settings["Accounts:Queues:LegacyTokenSecret"] = JobTestKit.GatewaySecret;
        await using var app = new AccountsApplication(settings, realTime: true);
        using var client = app.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        var http = await client.PostAsJsonAsync("/v1/verifications", new { channel = "whatsapp", destination = Phone, purpose = "register" }, ct);
        http.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var requestId = (string)(await http.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("verificationId").GetString()!;
        var job = await app.RunJobAsync("Verification", new { Id = "ada-id", Phone = "+14155550124", Token = JobTestKit.GatewayToken("ada-id", DateTimeOffset.UtcNow) });
        job.ShouldAnswer(true, "The verification code has been requested");

        await UntilAsync(() => twilio.Received.Count == 2, "both codes reached Twilio");
        twilio.Received.Select(r => r.Fields["To"]).ShouldBe(["whatsapp:" + Phone, "whatsapp:+14155550124"], ignoreOrder: true);

        // Read back with kcat: the original's value, and Accounts' headers.
        var messages = await ReadTopicAsync(servers, topic, atLeast: 2);
        messages.Count.ShouldBe(2);
        var fromHttp = messages.Single(m => Header(m, "accounts-request-id") == requestId);
        JsonDocument.Parse(fromHttp.GetProperty("payload").GetString()!).RootElement.GetProperty("Phone").GetString().ShouldBe(Phone);
        Header(fromHttp, "accounts-channel").ShouldBe("whatsapp");
        var fromJob = messages.Single(m => Header(m, "accounts-request-id") != requestId);
        var value = JsonDocument.Parse(fromJob.GetProperty("payload").GetString()!).RootElement;
        (value.GetProperty("Id").GetString(), value.GetProperty("Phone").GetString()).ShouldBe(("ada-id", "+14155550124"));
    }

    [Fact]
    public async Task RedeliveredMessageSendsNothingMoreAndAMalformedOneGoesToTheDeadLetterTopic()
    {
        var servers = Broker();
        await using var twilio = await FakeTwilio.StartAsync();
        var (settings, topic) = Settings(servers, twilio);
        await using var app = new AccountsApplication(settings, realTime: true);
        using var client = app.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        (await client.PostAsJsonAsync("/v1/verifications", new { channel = "whatsapp", destination = Phone, purpose = "register" }, ct)).EnsureSuccessStatusCode();
        await UntilAsync(() => twilio.Received.Count == 1, "the code reached Twilio");
        var original = (await ReadTopicAsync(servers, topic)).ShouldHaveSingleItem();

        // What a consumer killed after sending but before committing sees again: the same message, redelivered.
        await ProduceAsync(servers, topic, original.GetProperty("payload").GetString()!, ("accounts-request-id", Header(original, "accounts-request-id")!), ("accounts-channel", "whatsapp"));
        await ProduceAsync(servers, topic, "this is not JSON");
        await ProduceAsync(servers, topic, """{"Id":"bob-id","Phone":"+14155550125"}""");

        await UntilAsync(() => twilio.Received.Count == 2, "the message after the malformed one was handled");
        twilio.Received[1].Fields["To"].ShouldBe("whatsapp:+14155550125");
        var dead = await ReadTopicAsync(servers, topic + ".dlq");
        var poison = dead.ShouldHaveSingleItem();
        poison.GetProperty("payload").GetString().ShouldBe("this is not JSON");
        Header(poison, "accounts-dlq-reason").ShouldNotBeNullOrEmpty();
        await Task.Delay(500, ct);
        twilio.Received.Count.ShouldBe(2, "the redelivered request was not sent again");
    }

    [Fact]
    public async Task RequestAcceptedWhileTheBrokerIsUnreachableIsSentOnceItIsReachable()
    {
        var servers = Broker();
        await using var twilio = await FakeTwilio.StartAsync();
        using var gate = new TcpGate(servers);
        var (settings, _) = Settings(gate.Address, twilio);
        await using var app = new AccountsApplication(settings, realTime: true);
        using var client = app.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        var response = await client.PostAsJsonAsync("/v1/verifications", new { channel = "whatsapp", destination = Phone, purpose = "register" }, ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, "a request does not wait on the broker");
        await Task.Delay(1500, ct);
        twilio.Received.ShouldBeEmpty();

        gate.Open();
        await UntilAsync(() => twilio.Received.Count == 1, "the code reached Twilio once the broker answered");
        await Task.Delay(500, ct);
        twilio.Received.Count.ShouldBe(1);
    }

    private static string Broker()
    {
        var servers = Environment.GetEnvironmentVariable("ACCOUNTS_TEST_KAFKA");
        Assert.SkipWhen(string.IsNullOrEmpty(servers), "Needs a Kafka broker: ACCOUNTS_TEST_KAFKA (./test.sh starts one).");
        return servers!;
    }

    private static (Dictionary<string, string?> Settings, string Topic) Settings(string servers, FakeTwilio twilio)
    {
        var topic = "Verification-" + Guid.NewGuid().ToString("N")[..12];
        return (new Dictionary<string, string?>
        {
            ["Accounts:Kafka:BootstrapServers"] = servers,
            ["Accounts:Kafka:Topic"] = topic,
            ["Accounts:Kafka:DeadLetterTopic"] = topic + ".dlq",
            ["Accounts:Kafka:GroupId"] = "verification-group-" + topic,
            ["Accounts:Kafka:Partitions"] = "1",
            ["Accounts:Twilio:BaseUrl"] = twilio.BaseUrl,
            ["Accounts:Twilio:AccountSid"] = FakeTwilio.AccountSid,
            ["Accounts:Twilio:AuthToken"] = FakeTwilio.AuthToken,
            ["Accounts:Twilio:WhatsAppFrom"] = "+15005550006",
        }, topic);
    }

    private static string? Header(JsonElement message, string name)
    {
        if (!message.TryGetProperty("headers", out var headers) || headers.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        // kcat -J gives headers as a flat array: name, value, name, value, ...
        var items = headers.EnumerateArray().Select(h => h.GetString()).ToList();
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            if (items[i] == name)
            {
                return items[i + 1];
            }
        }

        return null;
    }

    /// <summary>
    /// The topic's messages, read with kcat from the beginning, once at least <paramref name="atLeast"/> are there: a
    /// topic just made by a producer may not be visible yet to a new reader.
    /// </summary>
    private static async Task<List<JsonElement>> ReadTopicAsync(string servers, string topic, int atLeast = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (_, output) = await KcatAsync(null, "-C", "-b", servers, "-t", topic, "-J", "-e", "-q", "-o", "beginning");
            var messages = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
            if (messages.Count >= atLeast || DateTime.UtcNow > deadline)
            {
                return messages;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    private static async Task ProduceAsync(string servers, string topic, string value, params (string Name, string Value)[] headers)
    {
        var arguments = new List<string> { "-P", "-b", servers, "-t", topic };
        foreach (var (name, headerValue) in headers)
        {
            arguments.AddRange(["-H", $"{name}={headerValue}"]);
        }

        var (exit, output) = await KcatAsync(value, [.. arguments]);
        exit.ShouldBe(0, output);
    }

    private static async Task<(int ExitCode, string Output)> KcatAsync(string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo("kcat", arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await output + (process.ExitCode == 0 ? "" : await errors));
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (!condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"timed out waiting until {what}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
