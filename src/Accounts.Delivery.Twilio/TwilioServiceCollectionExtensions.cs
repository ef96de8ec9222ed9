using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Accounts.Delivery.Twilio;

public static class TwilioServiceCollectionExtensions
{
    // Twilio's answers are a few kilobytes; a larger one is not Twilio's and is not worth buffering.
    private const int MaxAnswerBytes = 1024 * 1024;

    /// <summary>
    /// Registers <see cref="TwilioOptions"/> (bound from <c>Accounts:Twilio</c>, validated at start, always, so that the
    /// status callback can tell it is not configured; as <c>IOptions&lt;TwilioOptions&gt;</c> and as itself), the named HttpClient <see cref="TwilioMessageSender.HttpClientName"/>
    /// and, when <c>AccountSid</c> and <c>AuthToken</c> are set, the singleton <see cref="TwilioMessageSender"/>, which
    /// is not registered as <c>IMessageSender</c>: the host routes each channel to it when <see cref="TwilioMessageSender.Supports"/>.
    /// </summary>
    public static IServiceCollection AddTwilio(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(TwilioOptions.Section);
        services.AddOptions<TwilioOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>());
        // The plain settings too, as the host takes its other adapters' settings (to ask Supports, to log them).
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<TwilioOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);

        services.AddHttpClient(TwilioMessageSender.HttpClientName, (sp, client) =>
            {
                client.Timeout = sp.GetRequiredService<IOptions<TwilioOptions>>().Value.Timeout;
                client.MaxResponseContentBufferSize = MaxAnswerBytes;
            })
            // A redirect would resend the form elsewhere without its credentials; Twilio's API never redirects.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            // The Authorization header carries the AuthToken (base64 is not encryption): no header value in any log.
            .RedactLoggedHeaders(_ => true);

        if (section.Get<TwilioOptions>() is { Enabled: true })
        {
            services.TryAddSingleton<TwilioMessageSender>();
        }

        return services;
    }
}

/// <summary>Turns <see cref="TwilioOptions.Validate"/>'s complaints, each naming its setting, into a start-up failure.</summary>
internal sealed class TwilioOptionsValidator : IValidateOptions<TwilioOptions>
{
    public ValidateOptionsResult Validate(string? name, TwilioOptions options) =>
        options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
