using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Accounts.Core.Verification;
using Accounts.Delivery.Twilio;
using Accounts.Delivery.Twilio.Tests.Support;
using Accounts.Notifications;
using Accounts.Server.Tests.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace Accounts.Server.Tests.Deliveries;

/// <summary>
/// Codes by WhatsApp and SMS through Twilio's Messages API (a local server that checks each request as Twilio
/// documents it), whatever door asked for them; delivery reports through the signed status callback.
/// </summary>
public sealed class TwilioDeliveryTests
{
    private const string Phone = "+14155550111";
    private const string CallbackUrl = "https://accounts.example.com/v1/deliveries/twilio/status";

    [Fact]
    public async Task CodeAskedOverHttpArrivesAtTwilioByWhatsAppAndRegisters()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        await using var app = new AccountsApplication(Settings(twilio));
        using var client = app.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        (await client.PostAsJsonAsync("/v1/verifications", new { channel = "whatsapp", destination = Phone, purpose = "register" }, ct)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await app.CodesDeliveredAsync();

        var fields = twilio.Received.ShouldHaveSingleItem().Fields;
        fields["To"].ShouldBe("whatsapp:" + Phone);
        fields["From"].ShouldBe("whatsapp:+15005550006");
        fields["StatusCallback"].ShouldBe(CallbackUrl);
        app.OutboxMessages().ShouldBeEmpty("a configured channel is never bypassed for the outbox");
        var code = System.Text.RegularExpressions.Regex.Match(fields["Body"], @"\b\d{6}\b").Value;
        var registered = await client.PostAsJsonAsync("/v1/users", new { username = "ada", password = TestUsers.Password, phone = Phone, code }, ct);
        registered.StatusCode.ShouldBe(HttpStatusCode.Created, await registered.Content.ReadAsStringAsync(ct));
    }

    [Fact]
    public async Task SmsCodeGoesWithoutTheWhatsAppPrefix()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        await using var app = new AccountsApplication(Settings(twilio));
        using var client = app.CreateClient();

        (await client.PostAsJsonAsync("/v1/verifications", new { channel = "sms", destination = Phone, purpose = "register" }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        await app.CodesDeliveredAsync();

        var fields = twilio.Received.ShouldHaveSingleItem().Fields;
        fields["To"].ShouldBe(Phone);
        fields["From"].ShouldBe("+15005550007");
    }

    [Fact]
    public async Task VerificationJobIsToldWhenTheCodeIsSentOrWhenTwilioRefusesIt()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        var settings = Settings(twilio);
        settings["Accounts:Queues:LegacyTokenSecret"] = JobTestKit.GatewaySecret;
        await using var app = new AccountsApplication(settings);
        using var _ = app.CreateClient();
        var feed = app.Services.GetRequiredService<IOutcomeFeed>();
        var ct = TestContext.Current.CancellationToken;

        var sent = await app.RunJobAsync("Verification", new { Id = "ada-id", Phone, Token = JobTestKit.GatewayToken("ada-id", app.Clock.GetUtcNow()) });
        sent.ShouldAnswer(true, "The verification code has been requested");
        await app.CodesDeliveredAsync();
        var told = (await feed.RecentAsync("ada-id", ct)).ShouldHaveSingleItem();
        (told.Operation, told.JobId, told.Status, (string?)told.Message).ShouldBe(("Verification", sent.Id, true, "The verification code has been sent"));

        twilio.Enqueue(FakeAnswer.InvalidTo("+14155550112"));
        var refused = await app.RunJobAsync("Verification", new { Id = "bob-id", Phone = "+14155550112", Token = JobTestKit.GatewayToken("bob-id", app.Clock.GetUtcNow()) });
        refused.ShouldAnswer(true, "The verification code has been requested");
        await app.CodesDeliveredAsync();
        var failed = (await feed.RecentAsync("bob-id", ct)).ShouldHaveSingleItem();
        (failed.JobId, failed.Status, (string?)failed.Message).ShouldBe((refused.Id, false, "Communication server error"));
        twilio.Received.Count.ShouldBe(2, "a refusal for good is not retried");
    }

    [Fact]
    public async Task SignedStatusCallbackRecordsTheDeliveryAndAForgedOneIsRefused()
    {
        await using var twilio = await FakeTwilio.StartAsync();
        await using var app = new AccountsApplication(Settings(twilio));
        using var client = app.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var accepted = await client.PostAsJsonAsync("/v1/verifications", new { channel = "whatsapp", destination = Phone, purpose = "register" }, ct);
        var requestId = (string)(await accepted.Content.ReadFromJsonAsync<JsonObject>(ct))!["verificationId"]!;
        await app.CodesDeliveredAsync();
        var sid = twilio.Issued.ShouldHaveSingleItem();
        var form = new Dictionary<string, string> { ["MessageSid"] = sid, ["MessageStatus"] = "delivered", ["AccountSid"] = FakeTwilio.AccountSid };

        var forged = new HttpRequestMessage(HttpMethod.Post, "/v1/deliveries/twilio/status") { Content = new FormUrlEncodedContent(form) };
        forged.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute("not the auth token", CallbackUrl, form));
        (await client.SendAsync(forged, ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.Services.GetRequiredService<ICodeRequestOutbox>().FindDeliveryAsync(requestId, ct)).ShouldBeNull();

        var signed = new HttpRequestMessage(HttpMethod.Post, "/v1/deliveries/twilio/status") { Content = new FormUrlEncodedContent(form) };
        signed.Headers.Add(TwilioSignature.HeaderName, TwilioSignature.Compute(FakeTwilio.AuthToken, CallbackUrl, form));
        (await client.SendAsync(signed, ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var status = await app.Services.GetRequiredService<ICodeRequestOutbox>().FindDeliveryAsync(requestId, ct);
        (status!.ProviderMessageId, status.Status).ShouldBe((sid, "delivered"));
    }

    private static Dictionary<string, string?> Settings(FakeTwilio twilio) => new()
    {
        ["Accounts:Twilio:BaseUrl"] = twilio.BaseUrl,
        ["Accounts:Twilio:AccountSid"] = FakeTwilio.AccountSid,
        ["Accounts:Twilio:AuthToken"] = FakeTwilio.AuthToken,
        ["Accounts:Twilio:WhatsAppFrom"] = "+15005550006",
        ["Accounts:Twilio:SmsFrom"] = "+15005550007",
        ["Accounts:Twilio:StatusCallbackUrl"] = CallbackUrl,
    };
}
