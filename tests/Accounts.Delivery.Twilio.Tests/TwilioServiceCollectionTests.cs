using Accounts.Core.Verification;
using Accounts.Delivery.Twilio.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Accounts.Delivery.Twilio.Tests;

public sealed class TwilioServiceCollectionTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddLogging()
            .AddTwilio(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    [Fact]
    public void WithoutAnAccountNoSenderIsRegistered()
    {
        using var services = Build([]);

        services.GetService<TwilioMessageSender>().ShouldBeNull();
        services.GetRequiredService<TwilioOptions>().Enabled.ShouldBeFalse();
        services.GetService<IMessageSender>().ShouldBeNull();
    }

    [Fact]
    public void WithAnAccountOneSenderServesTheConfiguredChannels()
    {
        using var services = Build(SenderHarness.Settings(TwilioOptions.DefaultBaseUrl, s => s.Remove("Accounts:Twilio:SmsFrom")));

        var sender = services.GetRequiredService<TwilioMessageSender>();

        sender.ShouldBeSameAs(services.GetRequiredService<TwilioMessageSender>());
        sender.Supports(DeliveryChannel.WhatsApp).ShouldBeTrue();
        sender.Supports(DeliveryChannel.Sms).ShouldBeFalse();
        sender.Supports(DeliveryChannel.Email).ShouldBeFalse();
        // The host routes to it; it does not take over IMessageSender.
        services.GetService<IMessageSender>().ShouldBeNull();
    }

    [Fact]
    public void TheHttpClientTakesTheConfiguredTimeout()
    {
        using var services = Build(SenderHarness.Settings(TwilioOptions.DefaultBaseUrl, s => s["Accounts:Twilio:Timeout"] = "00:00:04"));

        services.GetRequiredService<IHttpClientFactory>().CreateClient(TwilioMessageSender.HttpClientName).Timeout.ShouldBe(TimeSpan.FromSeconds(4));
    }

    [Fact]
    public void OptionsAreValidatedAtStart()
    {
        using var services = Build(SenderHarness.Settings(TwilioOptions.DefaultBaseUrl, s => s["Accounts:Twilio:AccountSid"] = "ACnope"));

        var error = Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        error.Message.ShouldContain("Accounts:Twilio:AccountSid");
    }
}
