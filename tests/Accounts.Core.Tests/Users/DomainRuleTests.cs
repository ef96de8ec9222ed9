using Accounts.Core.Users;

namespace Accounts.Core.Tests.Users;

public sealed class DomainRuleTests
{
    [Theory]
    [InlineData("+14155550123", "+14155550123")]
    [InlineData("+1 (415) 555-0123", "+14155550123")]
    [InlineData("0044 20 7946 0958", "+442079460958")]
    [InlineData("+33.6.12.34.56.78", "+33612345678")]
    public void PhoneIsNormalizedToE164(string input, string expected) =>
        PhoneNumber.Parse(input).Value.ShouldBe(expected);

    [Theory]
    [InlineData("")]
    [InlineData("4155550123")]
    [InlineData("+0155550123")]
    [InlineData("+1234567")]
    [InlineData("+1234567890123456")]
    [InlineData("+1 415 555 0123 ext 4")]
    [InlineData("++14155550123")]
    public void PhoneRefusesNationalOrMalformedNumbers(string input) =>
        PhoneNumber.Parse(input).Error!.Code.ShouldBe("invalid_phone");

    [Theory]
    [InlineData(" Ada@Example.COM ", "ada@example.com")]
    [InlineData("a.b+tag@sub.example.org", "a.b+tag@sub.example.org")]
    public void EmailIsTrimmedAndLowerCased(string input, string expected) =>
        EmailAddress.Parse(input).Value.ShouldBe(expected);

    [Theory]
    [InlineData("no-at.example.com")]
    [InlineData("@example.com")]
    [InlineData("a@b@example.com")]
    [InlineData("a@example")]
    [InlineData("a@example.")]
    [InlineData("a b@example.com")]
    [InlineData("a@exa..mple.com")]
    public void EmailRefusesMalformedAddresses(string input) =>
        EmailAddress.Parse(input).Error!.Code.ShouldBe("invalid_email");

    [Theory]
    [InlineData("ab")]
    [InlineData("this-username-is-far-too-long-to-keep")]
    [InlineData("ada lovelace")]
    [InlineData("adä")]
    public void UsernameRefusesBadShapes(string input) =>
        Username.Parse(input).Error!.Code.ShouldBe("invalid_username");

    [Fact]
    public void UsernameUniquenessIgnoresCase() =>
        Username.Normalize("Ada.L").ShouldBe(Username.Normalize("ada.l"));

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("Tr0ub4dor&3x")]
    [InlineData("пароль-надёжный")]
    public void PasswordPolicyAcceptsLongUncommonPasswords(string password) =>
        PasswordPolicy.Check(password, "ada").ShouldBeNull();

    [Theory]
    [InlineData("seven77", "weak_password")]
    [InlineData("Password1", "weak_password")]
    [InlineData("qwertyuiop", "weak_password")]
    [InlineData("zzzzzzzzzzzz", "weak_password")]
    [InlineData("abcabcabcabc", "weak_password")]
    [InlineData("abcdefghij", "weak_password")]
    [InlineData("9876543210", "weak_password")]
    [InlineData("Ada.Lovelace", "weak_password")]
    public void PasswordPolicyRefusesGuessablePasswords(string password, string code) =>
        PasswordPolicy.Check(password, "ada.lovelace")!.Code.ShouldBe(code);

    [Fact]
    public void PasswordLengthCountsCodePointsNotUtf16Units()
    {
        // Seven emoji are fourteen UTF-16 units but seven characters: too short.
        PasswordPolicy.Check(string.Concat(Enumerable.Repeat("🔑", 3)) + "🐈🐕🐄🐓")!.Code.ShouldBe("weak_password");
        PasswordPolicy.Check(new string('x', 64) + new string('y', 64)).ShouldBeNull();
        PasswordPolicy.Check(new string('x', 64) + new string('y', 65))!.Code.ShouldBe("password_too_long");
    }

    [Theory]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, "image/png")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0 }, "image/jpeg")]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 1, 2, 3, 4, (byte)'W', (byte)'E', (byte)'B', (byte)'P' }, "image/webp")]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a' }, null)]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 1, 2, 3, 4, (byte)'W', (byte)'A', (byte)'V', (byte)'E' }, null)]
    public void ImageIsJudgedByItsBytes(byte[] bytes, string? expected) =>
        ProfileImage.Sniff(bytes).ShouldBe(expected);

    [Fact]
    public void ImageAcceptsDataUrlAndRefusesBadBase64()
    {
        var png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 7]);

        ProfileImage.Parse("data:image/png;base64," + png, 1024).Value.Length.ShouldBe(9);
        ProfileImage.Parse("%%%", 1024).Error!.Code.ShouldBe("invalid_image");
    }

    [Theory]
    [InlineData("user-42")]
    [InlineData("a1b2c3:d4@e5.f6_g7")]
    public void CallerChosenIdsOfSafeCharactersAreAccepted(string id) => UserId.Validate(id).ShouldBeNull();

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("../../etc")]
    [InlineData("semi;colon")]
    public void IdsOfOtherCharactersAreRefused(string id) => UserId.Validate(id)!.Code.ShouldBe("invalid_id");

    [Fact]
    public void IdsLongerThanTheOriginalColumnAreRefused() => UserId.Validate(new string('a', 101))!.Code.ShouldBe("invalid_id");
}
