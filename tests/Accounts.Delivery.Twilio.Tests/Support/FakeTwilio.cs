using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Accounts.Delivery.Twilio.Tests.Support;

/// <summary>
/// Twilio's Messages API on loopback, checking each request the way Twilio documents it: <c>POST
/// /2010-04-01/Accounts/{AccountSid}/Messages.json</c>, Basic auth with the account's SID and AuthToken, a
/// form-urlencoded body with <c>To</c>, <c>From</c> and <c>Body</c>, <c>whatsapp:</c> on both numbers or on neither,
/// E.164 numbers. It answers as Twilio does: 201 with the message resource, or <c>{code, message, more_info, status}</c>.
/// Answers queued with <see cref="Enqueue"/> replace the 201 of the next valid requests, in order.
/// </summary>
internal sealed partial class FakeTwilio : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "f00dfeedcafe0123456789abcdef4242";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private readonly ConcurrentQueue<FakeAnswer> _script = new();
    private readonly ConcurrentQueue<string> _issued = new();

    private FakeTwilio(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Every request, valid or not, in order of arrival.</summary>
    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    /// <summary>The SIDs of the messages answered with 201.</summary>
    public IReadOnlyList<string> Issued => [.. _issued];

    public static async Task<FakeTwilio> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeTwilio(app);
        app.Run(fake.AnswerAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return fake;
    }

    public void Enqueue(params FakeAnswer[] answers)
    {
        foreach (var answer in answers)
        {
            _script.Enqueue(answer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        var form = new List<KeyValuePair<string, string>>();
        if (request.HasFormContentType)
        {
            foreach (var field in await request.ReadFormAsync(context.RequestAborted))
            {
                form.AddRange(field.Value.Select(value => new KeyValuePair<string, string>(field.Key, value ?? "")));
            }
        }

        _received.Enqueue(new ReceivedRequest(request.Method, request.Path.Value ?? "", request.Headers.Authorization.ToString(), request.ContentType, form));

        var path = MessagesPath().Match(request.Path.Value ?? "");
        if (!path.Success)
        {
            await ErrorAsync(context, 404, 20404, $"The requested resource {request.Path} was not found");
            return;
        }

        if (!Authenticated(request.Headers.Authorization.ToString(), path.Groups["sid"].Value))
        {
            await ErrorAsync(context, 401, 20003, "Authenticate");
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            await ErrorAsync(context, 405, 20004, "Method not allowed");
            return;
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || contentType.MediaType != "application/x-www-form-urlencoded")
        {
            // Twilio reads parameters from a form only: any other body leaves it without a 'To'.
            await ErrorAsync(context, 400, 21604, "A 'To' phone number is required.");
            return;
        }

        var fields = form.GroupBy(f => f.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        if (!fields.TryGetValue("To", out var to) || to.Length == 0)
        {
            await ErrorAsync(context, 400, 21604, "A 'To' phone number is required.");
            return;
        }

        if (!fields.TryGetValue("From", out var from) || from.Length == 0)
        {
            await ErrorAsync(context, 400, 21603, "A 'From' phone number is required.");
            return;
        }

        if (!fields.TryGetValue("Body", out var body) || body.Length == 0)
        {
            await ErrorAsync(context, 400, 21602, "Message body is required.");
            return;
        }

        var whatsAppTo = to.StartsWith("whatsapp:", StringComparison.Ordinal);
        var whatsAppFrom = from.StartsWith("whatsapp:", StringComparison.Ordinal);
        if (whatsAppTo != whatsAppFrom)
        {
            await ErrorAsync(context, 400, 21910, "Invalid From and To pair. From and To should be of the same channel");
            return;
        }

        // Like Twilio's, this message quotes the number: the sender must not pass it on.
        if (!E164().IsMatch(whatsAppTo ? to["whatsapp:".Length..] : to))
        {
            await ErrorAsync(context, 400, 21211, $"The 'To' number {to} is not a valid phone number.");
            return;
        }

        if (!E164().IsMatch(whatsAppFrom ? from["whatsapp:".Length..] : from))
        {
            await ErrorAsync(context, 400, 21212, $"The 'From' number {from} is not a valid phone number, shortcode, or alphanumeric sender ID.");
            return;
        }

        if (fields.TryGetValue("StatusCallback", out var callback)
            && !(Uri.TryCreate(callback, UriKind.Absolute, out var callbackUri) && callbackUri.Scheme is "http" or "https"))
        {
            await ErrorAsync(context, 400, 21609, "The StatusCallback URL is not a valid URL.");
            return;
        }

        if (_script.TryDequeue(out var scripted))
        {
            switch (scripted)
            {
                case FakeAnswer.Error error:
                    if (error.RetryAfter is { } retryAfter)
                    {
                        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                    }

                    await ErrorAsync(context, error.Status, error.Code, error.Message);
                    return;
                case FakeAnswer.Page page:
                    context.Response.StatusCode = page.Status;
                    context.Response.ContentType = "text/html";
                    await context.Response.WriteAsync($"<html><body><h1>{page.Status}</h1></body></html>", context.RequestAborted);
                    return;
                case FakeAnswer.Hang:
                    // Until the client gives up: it never gets an answer.
                    await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                    return;
            }
        }

        var sid = "SM" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _issued.Enqueue(sid);
        var now = DateTimeOffset.UtcNow.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
        await JsonAsync(context, 201, new Dictionary<string, object?>
        {
            ["account_sid"] = AccountSid,
            ["api_version"] = "2010-04-01",
            ["body"] = body,
            ["date_created"] = now,
            ["date_sent"] = null,
            ["date_updated"] = now,
            ["direction"] = "outbound-api",
            ["error_code"] = null,
            ["error_message"] = null,
            ["from"] = from,
            ["messaging_service_sid"] = null,
            ["num_media"] = "0",
            ["num_segments"] = "1",
            ["price"] = null,
            ["price_unit"] = "USD",
            ["sid"] = sid,
            ["status"] = "queued",
            ["subresource_uris"] = new Dictionary<string, string> { ["media"] = $"/2010-04-01/Accounts/{AccountSid}/Messages/{sid}/Media.json" },
            ["to"] = to,
            ["uri"] = $"/2010-04-01/Accounts/{AccountSid}/Messages/{sid}.json",
        });
    }

    private static bool Authenticated(string authorization, string pathSid)
    {
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header) || header.Scheme != "Basic" || header.Parameter is null)
        {
            return false;
        }

        string credentials;
        try
        {
            credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        return credentials == $"{AccountSid}:{AuthToken}" && pathSid == AccountSid;
    }

    private static Task ErrorAsync(HttpContext context, int status, int code, string message) =>
        JsonAsync(context, status, new Dictionary<string, object?>
        {
            ["code"] = code,
            ["message"] = message,
            ["more_info"] = $"https://www.twilio.com/docs/errors/{code}",
            ["status"] = status,
        });

    private static async Task JsonAsync(HttpContext context, int status, Dictionary<string, object?> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }

    [GeneratedRegex(@"^/2010-04-01/Accounts/(?<sid>[^/]+)/Messages\.json\z")]
    private static partial Regex MessagesPath();

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z")]
    private static partial Regex E164();
}

/// <summary>One request as the fake received it; <see cref="Form"/> keeps every field, repeated ones too.</summary>
internal sealed record ReceivedRequest(string Method, string Path, string Authorization, string? ContentType, IReadOnlyList<KeyValuePair<string, string>> Form)
{
    public Dictionary<string, string> Fields => Form.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
}

/// <summary>What the fake answers a valid request instead of 201.</summary>
internal abstract record FakeAnswer
{
    /// <summary>A Twilio error: <c>{code, message, more_info, status}</c>, with a <c>Retry-After</c> in seconds if given.</summary>
    public sealed record Error(int Status, int Code, string Message, int? RetryAfter = null) : FakeAnswer;

    /// <summary>A page that is not Twilio's (a proxy's), for a status without a Twilio body.</summary>
    public sealed record Page(int Status) : FakeAnswer;

    /// <summary>No answer at all, until the client gives up.</summary>
    public sealed record Hang : FakeAnswer;

    public static FakeAnswer InvalidTo(string to) => new Error(400, 21211, $"The 'To' number {to} is not a valid phone number.");

    public static FakeAnswer TooManyRequests(int? retryAfter = null) => new Error(429, 20429, "Too Many Requests", retryAfter);

    public static FakeAnswer InternalError => new Error(500, 20500, "Internal Server Error");

    public static FakeAnswer Unavailable => new Error(503, 20503, "Service Unavailable");
}
