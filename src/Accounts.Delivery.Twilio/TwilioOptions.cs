using System.Text.RegularExpressions;
using Accounts.Core.Verification;

namespace Accounts.Delivery.Twilio;

/// <summary>
/// Twilio's Messages API for WhatsApp and SMS (section <c>Accounts:Twilio</c>, e.g. <c>Accounts__Twilio__AccountSid</c>).
/// Unset <see cref="AccountSid"/> and <see cref="AuthToken"/> keep both channels in the local outbox.
/// </summary>
public sealed partial class TwilioOptions
{
    public const string Section = "Accounts:Twilio";

    public const string DefaultBaseUrl = "https://api.twilio.com";

    /// <summary>Where the API lives; only tests (a local fake) and proxies change it.</summary>
    public string BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary><c>AC</c> and 32 hexadecimal digits: the account, in the URL and as the Basic auth user.</summary>
    public string? AccountSid { get; set; }

    /// <summary>The Basic auth password, and the key of the status callbacks' signatures. Never logged.</summary>
    public string? AuthToken { get; set; }

    /// <summary>The WhatsApp sender in E.164 (<c>+14155238886</c>), without <c>whatsapp:</c>: Accounts adds it. Unset: no WhatsApp.</summary>
    public string? WhatsAppFrom { get; set; }

    /// <summary>The SMS sender in E.164. Unset: no SMS.</summary>
    public string? SmsFrom { get; set; }

    /// <summary>
    /// The public absolute URL of the status callback endpoint, sent as <c>StatusCallback</c> so that Twilio reports
    /// delivery. Twilio signs each report over this exact URL, so it is also what signatures are checked against.
    /// Unset: no reports are asked for, and the endpoint answers 404.
    /// </summary>
    public string? StatusCallbackUrl { get; set; }

    /// <summary>How long one request may take, answer included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Requests per message when Twilio's answer (429, 5xx) or its silence allows another; 1 disables retries.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before the second attempt; it doubles for each later one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait between attempts. A <c>Retry-After</c> longer than this ends the attempts here: the message
    /// fails as retryable and the caller tries again later, rather than this sender asking Twilio too early.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(AccountSid) && !string.IsNullOrWhiteSpace(AuthToken);

    /// <summary>Whether this channel goes through Twilio: Twilio is configured and the channel has its sender.</summary>
    public bool Supports(DeliveryChannel channel) => Enabled && !string.IsNullOrWhiteSpace(From(channel));

    internal string? From(DeliveryChannel channel) => channel switch
    {
        DeliveryChannel.WhatsApp => WhatsAppFrom,
        DeliveryChannel.Sms => SmsFrom,
        _ => null,
    };

    /// <summary>What is wrong with the settings, each message naming its setting; empty when they can be used.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enabled)
        {
            // Half a configuration is a mistake, not a choice: say so rather than quietly keep codes in the outbox.
            if (!string.IsNullOrWhiteSpace(AccountSid))
            {
                errors.Add($"{Section}:AuthToken must be set when {Section}:AccountSid is.");
            }
            else if (!string.IsNullOrWhiteSpace(AuthToken))
            {
                errors.Add($"{Section}:AccountSid must be set when {Section}:AuthToken is.");
            }
            else if (!string.IsNullOrWhiteSpace(WhatsAppFrom) || !string.IsNullOrWhiteSpace(SmsFrom))
            {
                errors.Add($"{Section}:AccountSid and {Section}:AuthToken must be set when {Section}:WhatsAppFrom or {Section}:SmsFrom is.");
            }

            return errors;
        }

        if (!AccountSidPattern().IsMatch(AccountSid!))
        {
            errors.Add($"{Section}:AccountSid must be AC followed by 32 hexadecimal digits.");
        }

        if (AuthToken!.Trim() != AuthToken)
        {
            errors.Add($"{Section}:AuthToken has leading or trailing spaces.");
        }

        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"{Section}:BaseUrl must be an absolute http(s) URL.");
        }
        else if (baseUrl.Scheme == Uri.UriSchemeHttp && !baseUrl.IsLoopback)
        {
            errors.Add($"{Section}:BaseUrl must use https (http is for loopback only): the AuthToken would cross the network in clear.");
        }
        else if (!string.IsNullOrEmpty(baseUrl.Query) || !string.IsNullOrEmpty(baseUrl.Fragment))
        {
            errors.Add($"{Section}:BaseUrl must not have a query or a fragment.");
        }

        if (string.IsNullOrWhiteSpace(WhatsAppFrom) && string.IsNullOrWhiteSpace(SmsFrom))
        {
            errors.Add($"{Section}:WhatsAppFrom or {Section}:SmsFrom must be set when {Section}:AccountSid is: without one no channel goes through Twilio.");
        }

        CheckSender(errors, nameof(WhatsAppFrom), WhatsAppFrom);
        CheckSender(errors, nameof(SmsFrom), SmsFrom);

        if (!string.IsNullOrEmpty(StatusCallbackUrl)
            && (!Uri.TryCreate(StatusCallbackUrl, UriKind.Absolute, out var callback) || (callback.Scheme != Uri.UriSchemeHttps && callback.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add($"{Section}:StatusCallbackUrl must be an absolute http(s) URL (the public address Twilio calls).");
        }

        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{Section}:Timeout must be between 00:00:00.001 and 00:05:00.");
        }

        if (MaxAttempts is < 1 or > 10)
        {
            errors.Add($"{Section}:MaxAttempts must be between 1 and 10.");
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            errors.Add($"{Section}:RetryDelay must not be negative.");
        }

        if (MaxRetryDelay < RetryDelay || MaxRetryDelay > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{Section}:MaxRetryDelay must be at least {Section}:RetryDelay and at most 00:05:00.");
        }

        return errors;
    }

    private static void CheckSender(List<string> errors, string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (value.StartsWith("whatsapp:", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Section}:{name} must be the number alone, without 'whatsapp:': Accounts adds the prefix.");
        }
        else if (!E164().IsMatch(value))
        {
            errors.Add($"{Section}:{name} must be an E.164 number: + then up to 15 digits, e.g. +14155238886.");
        }
    }

    [GeneratedRegex(@"^AC[0-9a-fA-F]{32}\z")]
    private static partial Regex AccountSidPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z")]
    internal static partial Regex E164();
}
