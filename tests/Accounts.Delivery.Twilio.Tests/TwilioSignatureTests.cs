using Accounts.Delivery.Twilio.Tests.Support;

namespace Accounts.Delivery.Twilio.Tests;

public sealed class TwilioSignatureTests
{
    private const string Token = "12345";
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";

    private static readonly KeyValuePair<string, string>[] Params =
    [
        new("To", "+18005551212"),
        new("CallSid", "CA1234567890ABCDE"),
        new("Digits", "1234"),
        new("From", "+12349013030"),
        new("Caller", "+12349013030"),
    ];

    [Fact]
    public void MatchesTwiliosDocumentedExample()
    {
        // Twilio's documentation signs exactly this request with AuthToken 12345 and shows this signature.
        TwilioSignature.Compute(Token, Url, Params).ShouldBe("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        TwilioSignature.IsValid(Token, Url, Params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=").ShouldBeTrue();
    }

    [Fact]
    public void ValidatesASignatureComputedByHandFromTheRecipe()
    {
        // Names sorted in byte order: upper case before lower case ("MessageSid" < "SmsSid" < "accountExtra").
        var form = new KeyValuePair<string, string>[]
        {
            new("accountExtra", "x"),
            new("MessageStatus", "delivered"),
            new("SmsSid", "SM0123456789abcdef0123456789abcdef"),
            new("MessageSid", "SM0123456789abcdef0123456789abcdef"),
        };
        var expected = HandSignature.Of(
            FakeTwilio.AuthToken,
            "https://accounts.example.com/v1/deliveries/twilio/status",
            [.. form.Select(p => (p.Key, p.Value))]);

        TwilioSignature.IsValid(FakeTwilio.AuthToken, "https://accounts.example.com/v1/deliveries/twilio/status", form, expected).ShouldBeTrue();
        TwilioSignature.Compute(FakeTwilio.AuthToken, "https://accounts.example.com/v1/deliveries/twilio/status", form).ShouldBe(expected);
    }

    [Fact]
    public void TheOrderOfTheFieldsDoesNotMatter() =>
        TwilioSignature.IsValid(Token, Url, Params.Reverse(), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=").ShouldBeTrue();

    [Fact]
    public void ATamperedValueFails() =>
        TwilioSignature.IsValid(Token, Url, Params.Select(p => p.Key == "Digits" ? new(p.Key, "1235") : p), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=").ShouldBeFalse();

    [Fact]
    public void AnAddedFieldFails() =>
        TwilioSignature.IsValid(Token, Url, [.. Params, new("ErrorCode", "30008")], "0/KCTR6DLpKmkAf8muzZqo1nDgQ=").ShouldBeFalse();

    [Fact]
    public void AnotherUrlFails()
    {
        TwilioSignature.IsValid(Token, "https://mycompany.com/myapp.php?foo=1&bar=3", Params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=").ShouldBeFalse();
        TwilioSignature.IsValid(Token, "http://mycompany.com/myapp.php?foo=1&bar=2", Params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=").ShouldBeFalse();
    }

    [Fact]
    public void AnotherTokenFails() =>
        TwilioSignature.IsValid("12346", Url, Params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=").ShouldBeFalse();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("0/KCTR6DLpKmkAf8muzZqo1nDg==")]
    [InlineData("0/KCTR6DLpKmkAf8muzZqo1nDgQ=0/KCTR6DLpKmkAf8muzZqo1nDgQ=")]
    [InlineData("1/KCTR6DLpKmkAf8muzZqo1nDgQ=")]
    public void AMissingOrMalformedSignatureFails(string? signature) =>
        TwilioSignature.IsValid(Token, Url, Params, signature).ShouldBeFalse();
}
