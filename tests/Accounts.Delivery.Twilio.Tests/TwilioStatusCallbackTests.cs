using System.Net;
using System.Text;
using Accounts.Core.Verification;
using Accounts.Delivery.Twilio.Tests.Support;
using Accounts.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Accounts.Delivery.Twilio.Tests;

public sealed class TwilioStatusCallbackTests
{
    // The public address Twilio calls (behind a proxy, say): not the test host's own, and the one signatures cover.
    private const string PublicUrl = "https://accounts.example.com/v1/deliveries/twilio/status";
    private const string Sid = "SM0123456789abcdef0123456789abcdef";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static (string, string)[] Report(string status, string? errorCode = null)
    {
        var fields = new List<(string, string)>
        {
            ("AccountSid", FakeTwilio.AccountSid),
            ("ApiVersion", "2010-04-01"),
            ("From", "whatsapp:+14155238886"),
            ("MessageSid", Sid),
            ("MessageStatus", status),
            ("SmsSid", Sid),
            ("SmsStatus", status),
            ("To", "whatsapp:+447700900123"),
        };
        if (errorCode is not null)
        {
            fields.Add(("ErrorCode", errorCode));
        }

        return [.. fields];
    }

    [Fact]
    public async Task ASignedReportIsRecordedAndAnswered204()
    {
        await using var host = await CallbackHost.StartAsync();
        host.Outbox.Know(Sid);

        using var response = await host.PostAsync(Report("delivered"), sign: true);

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        host.Outbox.Recorded.ShouldHaveSingleItem().ShouldBe(new DeliveryStatus(Sid, "delivered", null, host.Time.GetUtcNow()));
        host.Logs.Entries.ShouldContain(e => e.EventId.Id == 8120);
    }

    [Fact]
    public async Task AFailedDeliveryKeepsTwiliosErrorCode()
    {
        await using var host = await CallbackHost.StartAsync();
        host.Outbox.Know(Sid);

        using var response = await host.PostAsync(Report("undelivered", "30008"), sign: true);

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        host.Outbox.Recorded.ShouldHaveSingleItem().ErrorCode.ShouldBe("30008");
    }

    [Fact]
    public async Task AReportForNoKnownMessageIsStillAnswered204()
    {
        await using var host = await CallbackHost.StartAsync();

        using var response = await host.PostAsync(Report("sent"), sign: true);

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        host.Outbox.Recorded.ShouldHaveSingleItem();
        host.Logs.Entries.ShouldContain(e => e.EventId.Id == 8121);
    }

    [Fact]
    public async Task AReportWithoutSignatureIsForbidden()
    {
        await using var host = await CallbackHost.StartAsync();

        using var response = await host.PostAsync(Report("delivered"), sign: false);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        host.Outbox.Recorded.ShouldBeEmpty();
    }

    [Fact]
    public async Task AReportChangedAfterSigningIsForbidden()
    {
        await using var host = await CallbackHost.StartAsync();
        var signature = HandSignature.Of(FakeTwilio.AuthToken, PublicUrl, Report("failed"));

        using var response = await host.PostAsync(Report("delivered"), signature: signature);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        host.Outbox.Recorded.ShouldBeEmpty();
        host.Logs.Entries.ShouldContain(e => e.EventId.Id == 8122);
    }

    [Fact]
    public async Task ASignatureOverAnotherUrlIsForbidden()
    {
        await using var host = await CallbackHost.StartAsync();
        var signature = HandSignature.Of(FakeTwilio.AuthToken, host.Url + TwilioStatusCallback.DefaultPattern, Report("delivered"));

        using var response = await host.PostAsync(Report("delivered"), signature: signature);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        host.Outbox.Recorded.ShouldBeEmpty();
    }

    [Fact]
    public async Task ASignatureWithAnotherTokenIsForbidden()
    {
        await using var host = await CallbackHost.StartAsync();
        var signature = HandSignature.Of("0000000000000000000000000000000f", PublicUrl, Report("delivered"));

        using var response = await host.PostAsync(Report("delivered"), signature: signature);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ASignedFormWithoutTheStatusIsABadRequest()
    {
        await using var host = await CallbackHost.StartAsync();

        using var response = await host.PostAsync([.. Report("delivered").Where(f => f.Item1 != "MessageStatus")], sign: true);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync(Cancel)).ShouldContain("MessageStatus");
        host.Outbox.Recorded.ShouldBeEmpty();
    }

    [Fact]
    public async Task ASignedFormWithoutTheSidIsABadRequest()
    {
        await using var host = await CallbackHost.StartAsync();

        using var response = await host.PostAsync([("MessageStatus", "delivered")], sign: true);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        host.Outbox.Recorded.ShouldBeEmpty();
    }

    [Fact]
    public async Task ABodyThatIsNotAFormIsABadRequest()
    {
        await using var host = await CallbackHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, TwilioStatusCallback.DefaultPattern)
        {
            Content = new StringContent("""{"MessageSid":"SM1"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(TwilioSignature.HeaderName, HandSignature.Of(FakeTwilio.AuthToken, PublicUrl));

        using var response = await host.Client.SendAsync(request, Cancel);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        host.Outbox.Recorded.ShouldBeEmpty();
    }

    [Fact]
    public async Task TheEndpointIsNotThereWithoutTwilio()
    {
        await using var host = await CallbackHost.StartAsync(configured: false);

        using var response = await host.PostAsync(Report("delivered"), sign: true);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        host.Outbox.Recorded.ShouldBeEmpty();
    }

    [Fact]
    public async Task TheEndpointIsNotThereWithoutAStatusCallbackUrl()
    {
        await using var host = await CallbackHost.StartAsync(callbackUrl: null);

        using var response = await host.PostAsync(Report("delivered"), sign: true);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    /// <summary>A web host with only the callback endpoint, Twilio's settings and a recording outbox.</summary>
    private sealed class CallbackHost : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private CallbackHost(WebApplication app, string url)
        {
            _app = app;
            Url = url;
            Client = new HttpClient { BaseAddress = new Uri(url) };
        }

        public string Url { get; }

        public HttpClient Client { get; }

        public RecordingOutbox Outbox { get; private init; } = new();

        public ManualTimeProvider Time { get; private init; } = new();

        public CapturedLogs Logs { get; private init; } = new();

        public static async Task<CallbackHost> StartAsync(bool configured = true, string? callbackUrl = PublicUrl)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            if (configured)
            {
                builder.Configuration.AddInMemoryCollection(SenderHarness.Settings(
                    TwilioOptions.DefaultBaseUrl,
                    s => s["Accounts:Twilio:StatusCallbackUrl"] = callbackUrl));
            }

            var outbox = new RecordingOutbox();
            var time = new ManualTimeProvider();
            var logs = new CapturedLogs();
            builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
            builder.Services.AddSingleton(outbox.Port);
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.Services.AddProblemDetails();
            builder.Services.AddTwilio(builder.Configuration);
            var app = builder.Build();
            app.MapTwilioStatusCallback();
            await app.StartAsync(Cancel);
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new CallbackHost(app, url) { Outbox = outbox, Time = time, Logs = logs };
        }

        public Task<HttpResponseMessage> PostAsync((string Name, string Value)[] form, bool sign) =>
            PostAsync(form, sign ? HandSignature.Of(FakeTwilio.AuthToken, PublicUrl, form) : null);

        public async Task<HttpResponseMessage> PostAsync((string Name, string Value)[] form, string? signature)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, TwilioStatusCallback.DefaultPattern)
            {
                Content = new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
            };
            if (signature is not null)
            {
                request.Headers.Add(TwilioSignature.HeaderName, signature);
            }

            return await Client.SendAsync(request, Cancel);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }
}
