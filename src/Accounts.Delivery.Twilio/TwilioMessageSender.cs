using System.Net.Http.Headers;
using System.Text;
using Accounts.Core.Verification;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Accounts.Delivery.Twilio;

/// <summary>
/// Sends WhatsApp and SMS messages through Twilio's Messages API: one form POST to
/// <c>/2010-04-01/Accounts/{AccountSid}/Messages.json</c> per message, retried here only when Twilio's answer (429,
/// 5xx) or its silence (timeout, network) says another attempt may succeed.
/// </summary>
public sealed class TwilioMessageSender : IMessageSender
{
    /// <summary>The <see cref="IHttpClientFactory"/> client this sender uses; <c>AddTwilio</c> configures it.</summary>
    public const string HttpClientName = "Accounts.Delivery.Twilio";

    private const string WhatsAppPrefix = "whatsapp:";

    private readonly IHttpClientFactory _httpClients;
    private readonly TwilioOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _messagesUri;
    private readonly AuthenticationHeaderValue _credentials;

    public TwilioMessageSender(IHttpClientFactory httpClients, IOptions<TwilioOptions> options, TimeProvider time, ILogger<TwilioMessageSender> logger)
    {
        _httpClients = httpClients;
        _options = options.Value;
        _time = time;
        _logger = logger;
        if (!_options.Enabled)
        {
            throw new InvalidOperationException($"Twilio is not configured: {TwilioOptions.Section}:AccountSid and {TwilioOptions.Section}:AuthToken are not set.");
        }

        _messagesUri = new Uri($"{_options.BaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(_options.AccountSid!)}/Messages.json");
        _credentials = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.AccountSid}:{_options.AuthToken}")));
    }

    /// <summary>Whether messages of this channel can go through Twilio (its sender number is configured).</summary>
    public bool Supports(DeliveryChannel channel) => _options.Supports(channel);

    public async Task<string?> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Channel is not (DeliveryChannel.WhatsApp or DeliveryChannel.Sms))
        {
            throw new ArgumentException($"Twilio delivers WhatsApp and SMS only, not {message.Channel.ToWire()}.", nameof(message));
        }

        var channel = message.Channel.ToWire();
        if (_options.From(message.Channel) is not { Length: > 0 } from)
        {
            var setting = message.Channel == DeliveryChannel.WhatsApp ? nameof(TwilioOptions.WhatsAppFrom) : nameof(TwilioOptions.SmsFrom);
            throw new DeliveryFailedException($"Twilio cannot send {channel} messages: {TwilioOptions.Section}:{setting} is not set.", retryable: false);
        }

        // Twilio tells WhatsApp from SMS by the prefix alone, and wants it on both ends.
        var prefix = message.Channel == DeliveryChannel.WhatsApp ? WhatsAppPrefix : "";
        var fields = new List<KeyValuePair<string, string>>
        {
            new("To", prefix + message.Destination),
            new("From", prefix + from),
            new("Body", message.Text),
        };
        if (!string.IsNullOrEmpty(_options.StatusCallbackUrl))
        {
            fields.Add(new("StatusCallback", _options.StatusCallbackUrl));
        }

        for (var attempt = 1; ; attempt++)
        {
            var result = await AttemptAsync(fields, cancellationToken);
            switch (result)
            {
                case Accepted accepted:
                    if (accepted.Sid is null)
                    {
                        TwilioLog.AcceptedWithoutSid(_logger, channel, accepted.Status);
                    }
                    else
                    {
                        TwilioLog.Accepted(_logger, channel, accepted.Sid, attempt);
                    }

                    return accepted.Sid;

                case Refused refused:
                    var reason = TwilioAnswer.Describe(refused.ErrorCode);
                    if (TwilioAnswer.IsConfigurationError(refused.ErrorCode) || refused.Status is 401 or 403)
                    {
                        TwilioLog.Misconfigured(_logger, channel, refused.Status, refused.ErrorCode, reason);
                    }
                    else
                    {
                        TwilioLog.Refused(_logger, channel, refused.Status, refused.ErrorCode, reason);
                    }

                    throw new DeliveryFailedException(RefusalMessage(channel, refused.Status, refused.ErrorCode), retryable: false);

                case Transient transient:
                    var delay = attempt < _options.MaxAttempts ? NextDelay(attempt, transient.RetryAfter) : null;
                    if (delay is not { } wait)
                    {
                        var last = transient.Describe(_options);
                        TwilioLog.GaveUp(_logger, channel, attempt, last);
                        throw new DeliveryFailedException($"Twilio did not take the {channel} message after {attempt} attempt(s): {last}.", retryable: true, transient.Error);
                    }

                    if (transient.Status is { } status)
                    {
                        TwilioLog.Retrying(_logger, status, transient.ErrorCode, attempt, _options.MaxAttempts, channel, wait);
                    }
                    else
                    {
                        TwilioLog.RetryingUnanswered(_logger, attempt, _options.MaxAttempts, channel, transient.Reason, wait);
                    }

                    await Task.Delay(wait, _time, cancellationToken);
                    break;
            }
        }
    }

    private async Task<AttemptResult> AttemptAsync(List<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _messagesUri) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = _credentials;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var http = _httpClients.CreateClient(HttpClientName);
        try
        {
            // The client's Timeout covers the answer's body too: the default completion option buffers it.
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new Accepted(status, TwilioAnswer.ReadSid(body));
            }

            var code = TwilioAnswer.ReadErrorCode(body);
            return status is 408 or 429 or >= 500
                ? new Transient(status, code, RetryAfter(response), "", null)
                : new Refused(status, code);
        }
        catch (HttpRequestException ex)
        {
            // Refused connections, resets, DNS and TLS failures, an answer too large: no answer to go by.
            return new Transient(null, null, null, $"{ex.HttpRequestError}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The client's Timeout, not the caller: Twilio may have taken the message and not said so yet. Another
            // attempt may send a second copy of the same text, which is better than no code at all.
            return new Transient(null, null, null, $"timed out after {_options.Timeout}", ex);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date > _time.GetUtcNow() ? date - _time.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>
    /// The wait before the next attempt: Twilio's <c>Retry-After</c> when it gave one, else a doubling backoff; null
    /// when Twilio asks for longer than <see cref="TwilioOptions.MaxRetryDelay"/>: asking sooner would be refused again.
    /// </summary>
    private TimeSpan? NextDelay(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked)
        {
            return asked <= _options.MaxRetryDelay ? asked : null;
        }

        var backoff = _options.RetryDelay * Math.Pow(2, attempt - 1);
        return backoff < _options.MaxRetryDelay ? backoff : _options.MaxRetryDelay;
    }

    private static string RefusalMessage(string channel, int status, int? code) => code is { } known
        ? $"Twilio refused the {channel} message: {TwilioAnswer.Describe(known)} (Twilio error {known}, HTTP {status}; https://www.twilio.com/docs/errors/{known})."
        : $"Twilio refused the {channel} message with HTTP {status} and no Twilio error code.";

    private abstract record AttemptResult;

    private sealed record Accepted(int Status, string? Sid) : AttemptResult;

    private sealed record Refused(int Status, int? ErrorCode) : AttemptResult;

    /// <summary>An answer or a silence after which another attempt may succeed.</summary>
    private sealed record Transient(int? Status, int? ErrorCode, TimeSpan? RetryAfter, string Reason, Exception? Error) : AttemptResult
    {
        public string Describe(TwilioOptions options) => Status switch
        {
            null => $"no answer ({Reason})",
            { } status when RetryAfter is { } asked && asked > options.MaxRetryDelay =>
                $"HTTP {status}{Code} asking to wait {asked}, longer than {TwilioOptions.Section}:MaxRetryDelay",
            { } status => $"HTTP {status}{Code}",
        };

        private string Code => ErrorCode is { } code ? $" (Twilio error {code})" : "";
    }
}
