using Accounts.Core.Verification;
using Accounts.Delivery.Twilio.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Accounts.Delivery.Twilio.Tests;

public sealed class TwilioOptionsTests
{
    private static TwilioOptions Configured(Action<TwilioOptions>? change = null)
    {
        var options = new TwilioOptions
        {
            AccountSid = FakeTwilio.AccountSid,
            AuthToken = FakeTwilio.AuthToken,
            WhatsAppFrom = "+14155238886",
            SmsFrom = "+15005550006",
            StatusCallbackUrl = "https://accounts.example.com/v1/deliveries/twilio/status",
        };
        change?.Invoke(options);
        return options;
    }

    [Fact]
    public void NothingConfiguredIsValidAndDisabled()
    {
        var options = new TwilioOptions();

        options.Validate().ShouldBeEmpty();
        options.Enabled.ShouldBeFalse();
        options.BaseUrl.ShouldBe("https://api.twilio.com");
        options.Timeout.ShouldBe(TimeSpan.FromSeconds(10));
        options.MaxAttempts.ShouldBe(3);
        options.Supports(DeliveryChannel.Sms).ShouldBeFalse();
    }

    [Fact]
    public void AFullConfigurationIsValidAndSupportsBothChannels()
    {
        var options = Configured();

        options.Validate().ShouldBeEmpty();
        options.Supports(DeliveryChannel.WhatsApp).ShouldBeTrue();
        options.Supports(DeliveryChannel.Sms).ShouldBeTrue();
        options.Supports(DeliveryChannel.Email).ShouldBeFalse();
    }

    [Fact]
    public void AChannelIsAvailableOnlyWithItsSenderNumber()
    {
        var options = Configured(o => o.WhatsAppFrom = null);

        options.Validate().ShouldBeEmpty();
        options.Supports(DeliveryChannel.WhatsApp).ShouldBeFalse();
        options.Supports(DeliveryChannel.Sms).ShouldBeTrue();
    }

    public static TheoryData<string, string> Mistakes => new()
    {
        { "AccountSid=SK0123456789abcdef0123456789abcdef", "Accounts:Twilio:AccountSid must be AC" },
        { "AccountSid=AC0123", "Accounts:Twilio:AccountSid must be AC" },
        { "AccountSid=", "Accounts:Twilio:AccountSid must be set" },
        { "AuthToken=", "Accounts:Twilio:AuthToken must be set" },
        { "AuthToken= f00d ", "Accounts:Twilio:AuthToken" },
        { "WhatsAppFrom=whatsapp:+14155238886", "Accounts:Twilio:WhatsAppFrom must be the number alone" },
        { "WhatsAppFrom=4155238886", "Accounts:Twilio:WhatsAppFrom must be an E.164 number" },
        { "SmsFrom=+1 500 555 0006", "Accounts:Twilio:SmsFrom must be an E.164 number" },
        { "BaseUrl=http://api.twilio.com", "Accounts:Twilio:BaseUrl must use https" },
        { "BaseUrl=api.twilio.com", "Accounts:Twilio:BaseUrl must be an absolute" },
        { "StatusCallbackUrl=/v1/deliveries/twilio/status", "Accounts:Twilio:StatusCallbackUrl" },
        { "Timeout=00:00:00", "Accounts:Twilio:Timeout" },
        { "MaxAttempts=0", "Accounts:Twilio:MaxAttempts" },
        { "RetryDelay=-00:00:01", "Accounts:Twilio:RetryDelay" },
        { "MaxRetryDelay=00:00:00.100", "Accounts:Twilio:MaxRetryDelay" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void AWrongSettingStopsTheStartNamingIt(string setting, string expected)
    {
        var (name, value) = (setting[..setting.IndexOf('=', StringComparison.Ordinal)], setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        var settings = SenderHarness.Settings(TwilioOptions.DefaultBaseUrl, s => s[$"Accounts:Twilio:{name}"] = value);
        using var services = new ServiceCollection()
            .AddTwilio(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

        var error = Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<TwilioOptions>>().Value);

        error.Message.ShouldContain(expected);
    }

    [Fact]
    public void HttpIsAllowedOnLoopbackOnly()
    {
        Configured(o => o.BaseUrl = "http://127.0.0.1:5000").Validate().ShouldBeEmpty();
        Configured(o => o.BaseUrl = "http://10.0.0.5:5000").Validate().ShouldHaveSingleItem().ShouldContain("Accounts:Twilio:BaseUrl");
    }

    [Fact]
    public void NumbersWithoutAccountAreAMistake()
    {
        new TwilioOptions { SmsFrom = "+15005550006" }.Validate().ShouldHaveSingleItem()
            .ShouldContain("Accounts:Twilio:AccountSid and Accounts:Twilio:AuthToken must be set");
    }

    [Fact]
    public void AnAccountWithoutAnySenderNumberIsAMistake()
    {
        Configured(o => (o.WhatsAppFrom, o.SmsFrom) = (null, null)).Validate().ShouldHaveSingleItem()
            .ShouldContain("Accounts:Twilio:WhatsAppFrom or Accounts:Twilio:SmsFrom must be set");
    }

    [Fact]
    public void EveryMistakeIsReportedAtOnce()
    {
        var errors = Configured(o => (o.AccountSid, o.SmsFrom, o.MaxAttempts) = ("AC1", "15005550006", 0)).Validate();

        errors.Count.ShouldBe(3);
        errors.ShouldAllBe(e => e.StartsWith("Accounts:Twilio:", StringComparison.Ordinal));
    }
}
