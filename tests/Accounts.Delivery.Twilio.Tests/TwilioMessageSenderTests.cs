using System.Net;
using System.Net.Sockets;
using System.Text;
using Accounts.Core.Verification;
using Accounts.Delivery.Twilio.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Accounts.Delivery.Twilio.Tests;

public sealed class TwilioMessageSenderTests : IAsyncLifetime
{
    private const string Phone = "+447700900123";
    private const string Text = "Your Accounts code is 493817. It expires in 10 minutes.";

    private FakeTwilio _twilio = null!;

    public async ValueTask InitializeAsync() => _twilio = await FakeTwilio.StartAsync();

    public async ValueTask DisposeAsync() => await _twilio.DisposeAsync();

    private static string MessagesPath => $"/2010-04-01/Accounts/{FakeTwilio.AccountSid}/Messages.json";

    private static string BasicCredentials => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeTwilio.AccountSid}:{FakeTwilio.AuthToken}"));

    private static OutgoingMessage Message(DeliveryChannel channel, string destination = Phone) => new(channel, destination, CodePurpose.Register, Text);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendsAWhatsAppMessageWithTheDocumentedFieldsAndReturnsTheSid()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl);

        var sid = await harness.Sender.SendAsync(Message(DeliveryChannel.WhatsApp), Cancel);

        sid.ShouldBe(_twilio.Issued.Single());
        sid!.ShouldMatch("^SM[0-9a-f]{32}$");
        var request = _twilio.Received.Single();
        request.Method.ShouldBe("POST");
        request.Path.ShouldBe(MessagesPath);
        request.Authorization.ShouldBe(BasicCredentials);
        request.ContentType!.ShouldStartWith("application/x-www-form-urlencoded");
        request.Form.ShouldBe(
        [
            new("To", "whatsapp:" + Phone),
            new("From", "whatsapp:" + SenderHarness.WhatsAppFrom),
            new("Body", Text),
        ]);
    }

    [Fact]
    public async Task SendsAnSmsWithoutTheWhatsAppPrefix()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl);

        var sid = await harness.Sender.SendAsync(Message(DeliveryChannel.Sms), Cancel);

        sid.ShouldBe(_twilio.Issued.Single());
        _twilio.Received.Single().Form.ShouldBe(
        [
            new("To", Phone),
            new("From", SenderHarness.SmsFrom),
            new("Body", Text),
        ]);
    }

    [Fact]
    public async Task AsksForDeliveryReportsWhenAStatusCallbackUrlIsConfigured()
    {
        const string callback = "https://accounts.example.com/v1/deliveries/twilio/status";
        await using var harness = SenderHarness.Create(_twilio.BaseUrl, s => s["Accounts:Twilio:StatusCallbackUrl"] = callback);

        await harness.Sender.SendAsync(Message(DeliveryChannel.Sms), Cancel);

        _twilio.Received.Single().Fields.ShouldBe(new Dictionary<string, string>
        {
            ["To"] = Phone,
            ["From"] = SenderHarness.SmsFrom,
            ["Body"] = Text,
            ["StatusCallback"] = callback,
        });
    }

    [Fact]
    public async Task AnInvalidNumberIsARefusalThatIsNotRetried()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl);
        const string invalid = "+0044123";

        var error = await Should.ThrowAsync<DeliveryFailedException>(() => harness.Sender.SendAsync(Message(DeliveryChannel.WhatsApp, invalid), Cancel));

        error.Retryable.ShouldBeFalse();
        error.Message.ShouldContain("21211");
        error.Message.ShouldContain("not a valid phone number");
        // Twilio's own message quotes the number; ours must not.
        error.Message.ShouldNotContain("0044123");
        error.Message.ShouldNotContain("493817");
        _twilio.Received.Count.ShouldBe(1);
        harness.Time.Waits.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(21408, "region")]
    [InlineData(21610, "unsubscribed")]
    [InlineData(21614, "not a mobile number")]
    [InlineData(63016, "template")]
    public async Task TwilioRefusalsOfTheRecipientAreNotRetried(int code, string reason)
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl);
        _twilio.Enqueue(new FakeAnswer.Error(400, code, $"Refused for {Phone}"));

        var error = await Should.ThrowAsync<DeliveryFailedException>(() => harness.Sender.SendAsync(Message(DeliveryChannel.Sms), Cancel));

        error.Retryable.ShouldBeFalse();
        error.Message.ShouldContain($"Twilio error {code}");
        error.Message.ShouldContain(reason);
        error.Message.ShouldContain($"https://www.twilio.com/docs/errors/{code}");
        error.Message.ShouldNotContain(Phone);
        _twilio.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task WrongCredentialsAreNotRetriedAndNameTheSettings()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl, s => s["Accounts:Twilio:AuthToken"] = "0000000000000000000000000000000f");

        var error = await Should.ThrowAsync<DeliveryFailedException>(() => harness.Sender.SendAsync(Message(DeliveryChannel.Sms), Cancel));

        error.Retryable.ShouldBeFalse();
        error.Message.ShouldContain("20003");
        error.Message.ShouldContain("Accounts:Twilio:AuthToken");
        _twilio.Received.Count.ShouldBe(1);
        harness.Logs.Entries.ShouldContain(e => e.EventId.Id == 8104 && e.Level == LogLevel.Error);
    }

    [Fact]
    public async Task TooManyRequestsIsRetriedAfterTwiliosRetryAfterThenFailsAsRetryable()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl);
        _twilio.Enqueue(FakeAnswer.TooManyRequests(retryAfter: 2), FakeAnswer.TooManyRequests(retryAfter: 2), FakeAnswer.TooManyRequests(retryAfter: 2));

        var error = await Should.ThrowAsync<DeliveryFailedException>(() => harness.Sender.SendAsync(Message(DeliveryChannel.WhatsApp), Cancel));

        error.Retryable.ShouldBeTrue();
        error.Message.ShouldContain("3 attempt(s)");
        error.Message.ShouldContain("HTTP 429 (Twilio error 20429)");
        _twilio.Received.Count.ShouldBe(3);
        harness.Time.Waits.ShouldBe([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)]);
    }

    [Fact]
    public async Task ARetryAfterLongerThanTheMaximumWaitEndsTheAttempts()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl);
        _twilio.Enqueue(FakeAnswer.TooManyRequests(retryAfter: 120));

        var error = await Should.ThrowAsync<DeliveryFailedException>(() => harness.Sender.SendAsync(Message(DeliveryChannel.Sms), Cancel));

        error.Retryable.ShouldBeTrue();
        error.Message.ShouldContain("Accounts:Twilio:MaxRetryDelay");
        _twilio.Received.Count.ShouldBe(1);
        harness.Time.Waits.ShouldBeEmpty();
    }

    [Fact]
    public async Task ServerErrorsAreRetriedWithADoublingBackoffThenFailAsRetryable()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl);
        _twilio.Enqueue(FakeAnswer.InternalError, FakeAnswer.Unavailable, FakeAnswer.InternalError);

        var error = await Should.ThrowAsync<DeliveryFailedException>(() => harness.Sender.SendAsync(Message(DeliveryChannel.Sms), Cancel));

        error.Retryable.ShouldBeTrue();
        error.Message.ShouldContain("HTTP 500 (Twilio error 20500)");
        _twilio.Received.Count.ShouldBe(3);
        harness.Time.Waits.ShouldBe([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)]);
    }

    [Fact]
    public async Task MaxAttemptsBoundsTheRequests()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl, s => s["Accounts:Twilio:MaxAttempts"] = "1");
        _twilio.Enqueue(FakeAnswer.Unavailable);

        var error = await Should.ThrowAsync<DeliveryFailedException>(() => harness.Sender.SendAsync(Message(DeliveryChannel.Sms), Cancel));

        error.Retryable.ShouldBeTrue();
        _twilio.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task AServiceUnavailableThenCreatedSucceedsOnTheSecondAttempt()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl);
        _twilio.Enqueue(FakeAnswer.Unavailable);

        var sid = await harness.Sender.SendAsync(Message(DeliveryChannel.WhatsApp), Cancel);

        sid.ShouldBe(_twilio.Issued.Single());
        _twilio.Received.Count.ShouldBe(2);
        _twilio.Received[1].Form.ShouldBe(_twilio.Received[0].Form);
        harness.Logs.Entries.ShouldContain(e => e.EventId.Id == 8100 && e.Text.Contains(sid!, StringComparison.Ordinal) && e.Text.Contains("Attempt=2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAnswerThatIsNotTwiliosIsReportedByItsStatus()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl, s => s["Accounts:Twilio:MaxAttempts"] = "2");
        _twilio.Enqueue(new FakeAnswer.Page(502), new FakeAnswer.Page(502));

        var error = await Should.ThrowAsync<DeliveryFailedException>(() => harness.Sender.SendAsync(Message(DeliveryChannel.Sms), Cancel));

        error.Retryable.ShouldBeTrue();
        error.Message.ShouldContain("HTTP 502");
        _twilio.Received.Count.ShouldBe(2);
    }

    [Fact]
    public async Task ANotFoundWithoutATwilioBodyIsNotRetried()
    {
        // A wrong BaseUrl path: the fake answers 404 20404, as Twilio does for an unknown resource.
        await using var harness = SenderHarness.Create(_twilio.BaseUrl + "/proxy");

        var error = await Should.ThrowAsync<DeliveryFailedException>(() => harness.Sender.SendAsync(Message(DeliveryChannel.Sms), Cancel));

        error.Retryable.ShouldBeFalse();
        error.Message.ShouldContain("20404");
        _twilio.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task AnAttemptWithoutAnAnswerInTimeIsRetried()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl, s => s["Accounts:Twilio:Timeout"] = "00:00:00.500");
        _twilio.Enqueue(new FakeAnswer.Hang());

        var sid = await harness.Sender.SendAsync(Message(DeliveryChannel.Sms), Cancel);

        sid.ShouldBe(_twilio.Issued.Single());
        _twilio.Received.Count.ShouldBe(2);
        harness.Logs.Entries.ShouldContain(e => e.EventId.Id == 8102);
    }

    [Fact]
    public async Task NoServerIsRetriedThenFailsAsRetryable()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var harness = SenderHarness.Create($"http://127.0.0.1:{port}");

        var error = await Should.ThrowAsync<DeliveryFailedException>(() => harness.Sender.SendAsync(Message(DeliveryChannel.Sms), Cancel));

        error.Retryable.ShouldBeTrue();
        error.Message.ShouldContain("no answer");
        error.InnerException.ShouldBeOfType<HttpRequestException>();
        harness.Time.Waits.ShouldBe([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)]);
    }

    [Fact]
    public async Task TheCallersCancellationIsNotADeliveryFailure()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl);
        _twilio.Enqueue(new FakeAnswer.Hang());
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));

        var error = await Should.ThrowAsync<Exception>(() => harness.Sender.SendAsync(Message(DeliveryChannel.Sms), cancel.Token));

        error.ShouldBeAssignableTo<OperationCanceledException>();
        _twilio.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task EmailIsNotTwiliosToSend()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl);

        await Should.ThrowAsync<ArgumentException>(() => harness.Sender.SendAsync(Message(DeliveryChannel.Email, "someone@example.com"), Cancel));

        _twilio.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task AChannelWithoutItsSenderNumberIsRefusedNamingTheSetting()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl, s => s.Remove("Accounts:Twilio:WhatsAppFrom"));

        harness.Sender.Supports(DeliveryChannel.WhatsApp).ShouldBeFalse();
        harness.Sender.Supports(DeliveryChannel.Sms).ShouldBeTrue();
        var error = await Should.ThrowAsync<DeliveryFailedException>(() => harness.Sender.SendAsync(Message(DeliveryChannel.WhatsApp), Cancel));

        error.Retryable.ShouldBeFalse();
        error.Message.ShouldContain("Accounts:Twilio:WhatsAppFrom");
        _twilio.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task LogsNeverHoldTheAuthTokenTheDestinationOrTheBody()
    {
        await using var harness = SenderHarness.Create(_twilio.BaseUrl);
        _twilio.Enqueue(FakeAnswer.TooManyRequests(retryAfter: 1), FakeAnswer.InternalError);

        var sent = await harness.Sender.SendAsync(Message(DeliveryChannel.WhatsApp), Cancel);
        await Should.ThrowAsync<DeliveryFailedException>(() => harness.Sender.SendAsync(Message(DeliveryChannel.Sms, "+0044123"), Cancel));

        var logs = harness.Logs.Entries;
        // The sender's own lines name the SID, the code and the attempt; HttpClient's own lines are there too (Trace).
        logs.ShouldContain(e => e.EventId.Id == 8100 && e.Text.Contains(sent!, StringComparison.Ordinal));
        logs.ShouldContain(e => e.EventId.Id == 8101 && e.Text.Contains("20429", StringComparison.Ordinal));
        logs.ShouldContain(e => e.EventId.Id == 8103 && e.Text.Contains("21211", StringComparison.Ordinal));
        logs.ShouldContain(e => e.Category.StartsWith("System.Net.Http.HttpClient.", StringComparison.Ordinal));
        var all = string.Join("\n", logs);
        foreach (var secret in new[]
                 {
                     FakeTwilio.AuthToken,
                     BasicCredentials["Basic ".Length..],
                     Phone,
                     Phone.TrimStart('+'),
                     "0044123",
                     Text,
                     "493817",
                 })
        {
            all.ShouldNotContain(secret);
        }
    }
}
