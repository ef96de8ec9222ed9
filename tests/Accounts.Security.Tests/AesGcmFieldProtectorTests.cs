using System.Buffers.Text;
using System.Security.Cryptography;

namespace Accounts.Security.Tests;

public sealed class AesGcmFieldProtectorTests
{
    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("+14155550123")]
    [InlineData("")]
    [InlineData("ünïcødé 密码 🔐")]
    public void UnprotectReturnsWhatWasProtected(string plaintext)
    {
        var protector = new AesGcmFieldProtector(TestKeys.Ring());

        protector.Unprotect(protector.Protect(plaintext)).ShouldBe(plaintext);
    }

    [Fact]
    public void ProtectNamesTheCurrentKey()
    {
        var keys = TestKeys.Options();
        var protector = new AesGcmFieldProtector(KeyRing.FromOptions(keys));

        protector.Protect("alice@example.com").ShouldStartWith(keys.Encryption[0].Id + ".");
    }

    [Fact]
    public void ProtectGivesDifferentValuesForOnePlaintext()
    {
        var protector = new AesGcmFieldProtector(TestKeys.Ring());

        protector.Protect("alice@example.com").ShouldNotBe(protector.Protect("alice@example.com"));
    }

    [Fact]
    public void UnprotectThrowsGivenTamperedCiphertext()
    {
        var protector = new AesGcmFieldProtector(TestKeys.Ring());
        var value = protector.Protect("alice@example.com");
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        var bytes = Base64Url.DecodeFromChars(value.AsSpan(dot + 1));

        foreach (var position in new[] { 0, 12, bytes.Length - 1 })
        {
            var tampered = (byte[])bytes.Clone();
            tampered[position] ^= 0x01;
            Should.Throw<AuthenticationTagMismatchException>(() => protector.Unprotect(value[..(dot + 1)] + Base64Url.EncodeToString(tampered)));
        }
    }

    [Fact]
    public void UnprotectThrowsGivenValueMovedToAnotherKeyId()
    {
        var keys = TestKeys.Rotated(TestKeys.Options());
        var protector = new AesGcmFieldProtector(KeyRing.FromOptions(keys));
        var value = protector.Protect("alice@example.com");

        var moved = keys.Encryption[1].Id + value[value.IndexOf('.', StringComparison.Ordinal)..];

        Should.Throw<CryptographicException>(() => protector.Unprotect(moved));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-separator")]
    [InlineData(".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("unknownkey.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void UnprotectThrowsGivenMalformedValueOrUnknownKey(string value)
    {
        var protector = new AesGcmFieldProtector(TestKeys.Ring());

        Should.Throw<CryptographicException>(() => protector.Unprotect(value));
    }

    [Fact]
    public void UnprotectThrowsGivenTruncatedOrNonBase64Payload()
    {
        var keys = TestKeys.Options();
        var protector = new AesGcmFieldProtector(KeyRing.FromOptions(keys));
        var id = keys.Encryption[0].Id;

        Should.Throw<CryptographicException>(() => protector.Unprotect(id + ".AAAA"));
        Should.Throw<CryptographicException>(() => protector.Unprotect(id + ".!!!!"));
        Should.Throw<CryptographicException>(() => protector.Unprotect(id + "."));
    }

    [Fact]
    public void UnprotectStillReadsValuesOfAnOldKeyAfterRotation()
    {
        var before = TestKeys.Options();
        var value = new AesGcmFieldProtector(KeyRing.FromOptions(before)).Protect("alice@example.com");

        var after = TestKeys.Rotated(before);
        var rotated = new AesGcmFieldProtector(KeyRing.FromOptions(after));

        rotated.Unprotect(value).ShouldBe("alice@example.com");
        rotated.Protect("alice@example.com").ShouldStartWith(after.Encryption[0].Id + ".");
    }

    [Fact]
    public void ComputeIndexIsDeterministicAcrossInstances()
    {
        var keys = TestKeys.Options();

        var first = new AesGcmFieldProtector(KeyRing.FromOptions(keys)).ComputeIndex("email", "alice@example.com");
        var second = new AesGcmFieldProtector(KeyRing.FromOptions(keys)).ComputeIndex("email", "alice@example.com");

        first.ShouldBe(second);
        first.Length.ShouldBe(43);
        first.ShouldNotContain("=");
        first.ShouldNotContain("+");
        first.ShouldNotContain("/");
    }

    [Fact]
    public void ComputeIndexDiffersByPurpose()
    {
        var protector = new AesGcmFieldProtector(TestKeys.Ring());

        protector.ComputeIndex("email", "alice@example.com").ShouldNotBe(protector.ComputeIndex("phone", "alice@example.com"));
        protector.ComputeIndex("code", "a:b").ShouldNotBe(protector.ComputeIndex("code:a", "b"));
    }

    [Fact]
    public void ComputeIndexDiffersByIndexKey()
    {
        var first = new AesGcmFieldProtector(TestKeys.Ring());
        var second = new AesGcmFieldProtector(TestKeys.Ring());

        first.ComputeIndex("email", "alice@example.com").ShouldNotBe(second.ComputeIndex("email", "alice@example.com"));
    }

    [Fact]
    public void ComputeIndexSurvivesEncryptionKeyRotation()
    {
        var before = TestKeys.Options();

        var index = new AesGcmFieldProtector(KeyRing.FromOptions(before)).ComputeIndex("email", "alice@example.com");

        new AesGcmFieldProtector(KeyRing.FromOptions(TestKeys.Rotated(before))).ComputeIndex("email", "alice@example.com").ShouldBe(index);
    }

    [Fact]
    public void ComputeIndexRefusesPurposeHoldingTheSeparator()
    {
        var protector = new AesGcmFieldProtector(TestKeys.Ring());

        Should.Throw<ArgumentException>(() => protector.ComputeIndex("email\0x", "alice@example.com"));
    }
}
