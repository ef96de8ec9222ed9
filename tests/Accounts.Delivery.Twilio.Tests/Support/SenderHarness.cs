using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Accounts.Delivery.Twilio.Tests.Support;

/// <summary>The sender as the service builds it (<c>AddTwilio</c> over configuration), pointed at a fake Twilio.</summary>
internal sealed class SenderHarness : IAsyncDisposable
{
    public const string WhatsAppFrom = "+14155238886";
    public const string SmsFrom = "+15005550006";

    private readonly ServiceProvider _services;

    private SenderHarness(ServiceProvider services, ImmediateTimeProvider time, CapturedLogs logs)
    {
        _services = services;
        Sender = services.GetRequiredService<TwilioMessageSender>();
        Time = time;
        Logs = logs;
    }

    public TwilioMessageSender Sender { get; }

    /// <summary>The waits the sender asked for, none of them spent.</summary>
    public ImmediateTimeProvider Time { get; }

    public CapturedLogs Logs { get; }

    /// <summary>Settings for the fake: both channels, no status callback; <paramref name="change"/> edits them (null removes one).</summary>
    public static Dictionary<string, string?> Settings(string baseUrl, Action<Dictionary<string, string?>>? change = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Accounts:Twilio:BaseUrl"] = baseUrl,
            ["Accounts:Twilio:AccountSid"] = FakeTwilio.AccountSid,
            ["Accounts:Twilio:AuthToken"] = FakeTwilio.AuthToken,
            ["Accounts:Twilio:WhatsAppFrom"] = WhatsAppFrom,
            ["Accounts:Twilio:SmsFrom"] = SmsFrom,
        };
        change?.Invoke(settings);
        return settings;
    }

    public static SenderHarness Create(string baseUrl, Action<Dictionary<string, string?>>? change = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(baseUrl, change)).Build();
        var time = new ImmediateTimeProvider();
        var logs = new CapturedLogs();
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs))
            .AddTwilio(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new SenderHarness(services, time, logs);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
