using Accounts.Core.Verification;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Accounts.Delivery.Twilio;

/// <summary>
/// The endpoint Twilio posts delivery reports to (the <c>StatusCallback</c> of each message). Only a request signed
/// with the AuthToken over <see cref="TwilioOptions.StatusCallbackUrl"/> is believed; its <c>MessageSid</c>,
/// <c>MessageStatus</c> and <c>ErrorCode</c> go to <see cref="ICodeRequestOutbox.RecordDeliveryAsync"/>.
/// </summary>
public static class TwilioStatusCallback
{
    public const string DefaultPattern = "/v1/deliveries/twilio/status";

    // A report is a few hundred bytes of form fields: anything much larger is not from Twilio.
    private const long MaxBodyBytes = 64 * 1024;

    private static readonly FormOptions Limits = new()
    {
        BufferBody = false,
        ValueCountLimit = 100,
        KeyLengthLimit = 256,
        ValueLengthLimit = 8 * 1024,
        MultipartBodyLengthLimit = MaxBodyBytes,
    };

    /// <summary>
    /// Maps <c>POST <paramref name="pattern"/></c>: 204 once a signed report is recorded (whether or not a sent code
    /// request has its SID: Twilio only needs a 2xx), 403 for a missing or wrong signature, 400 for a report without
    /// <c>MessageSid</c> or <c>MessageStatus</c>, 404 while Twilio or its <c>StatusCallbackUrl</c> is not configured.
    /// Needs <c>AddTwilio</c> and an <see cref="ICodeRequestOutbox"/> in the container.
    /// </summary>
    public static RouteHandlerBuilder MapTwilioStatusCallback(this IEndpointRouteBuilder routes, string pattern = DefaultPattern)
    {
        ArgumentNullException.ThrowIfNull(routes);
        return routes.MapPost(pattern, HandleAsync)
            .WithName("TwilioStatusCallback")
            // Twilio carries no token or cookie: its signature is the authentication, checked here.
            .AllowAnonymous()
            .DisableAntiforgery()
            // For Twilio, not for the service's clients.
            .ExcludeFromDescription();
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var services = context.RequestServices;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger(typeof(TwilioStatusCallback).FullName!) ?? NullLogger.Instance;
        var options = services.GetService<IOptions<TwilioOptions>>()?.Value;
        if (options is not { Enabled: true } || string.IsNullOrEmpty(options.StatusCallbackUrl))
        {
            // Without the AuthToken and the signed URL no report can be believed: the endpoint is not there.
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Twilio status callbacks are not configured.");
        }

        var signature = context.Request.Headers[TwilioSignature.HeaderName].ToString();
        if (signature.Length == 0)
        {
            TwilioLog.CallbackRejected(logger, $"no {TwilioSignature.HeaderName} header");
            return Forbidden();
        }

        if (!context.Request.HasFormContentType)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "A Twilio status callback is an application/x-www-form-urlencoded form.");
        }

        IFormCollection form;
        try
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            {
                bodySize.MaxRequestBodySize = MaxBodyBytes;
            }

            context.Features.Set<IFormFeature>(new FormFeature(context.Request, Limits));
            form = await context.Request.ReadFormAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form is malformed or too large.");
        }

        var fields = form.SelectMany(field => field.Value.Select(value => new KeyValuePair<string, string>(field.Key, value ?? "")));
        if (!TwilioSignature.IsValid(options.AuthToken!, options.StatusCallbackUrl, fields, signature))
        {
            TwilioLog.CallbackRejected(logger, $"the {TwilioSignature.HeaderName} does not match (check {TwilioOptions.Section}:StatusCallbackUrl: it must be the exact URL Twilio calls)");
            return Forbidden();
        }

        var sid = form["MessageSid"].ToString();
        var status = form["MessageStatus"].ToString();
        if (sid.Length == 0 || status.Length == 0)
        {
            var errors = new Dictionary<string, string[]>();
            if (sid.Length == 0)
            {
                errors["MessageSid"] = ["MessageSid is required."];
            }

            if (status.Length == 0)
            {
                errors["MessageStatus"] = ["MessageStatus is required."];
            }

            return TypedResults.ValidationProblem(errors, title: "The status callback lacks required fields.");
        }

        var errorCode = form["ErrorCode"].ToString() is { Length: > 0 } code ? code : null;
        var now = (services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        var outbox = services.GetRequiredService<ICodeRequestOutbox>();
        if (await outbox.RecordDeliveryAsync(new DeliveryStatus(sid, status, errorCode, now), cancellationToken))
        {
            TwilioLog.StatusRecorded(logger, sid, status, errorCode);
        }
        else
        {
            TwilioLog.StatusUnmatched(logger, sid, status, errorCode);
        }

        return TypedResults.NoContent();
    }

    private static ProblemHttpResult Forbidden() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The request does not carry a valid Twilio signature.");
}
