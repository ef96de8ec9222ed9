using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Accounts.Core;
using Accounts.Testing;

namespace Accounts.Security.Tests;

public sealed class KeyRingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void LoadGeneratesAKeyFileReadableByTheOwnerOnly()
    {
        using var temp = new TempDirectory();
        var dataDirectory = Path.Combine(temp.Path, "data", "nested");

        var ring = KeyRing.Load(new KeysOptions(), dataDirectory, out var generated);

        generated.ShouldBeTrue();
        var path = Path.Combine(dataDirectory, KeyRing.FileName);
        File.Exists(path).ShouldBeTrue();
        Directory.GetFiles(dataDirectory).ShouldBe([path]);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json["signing"]![0]!["id"]!.GetValue<string>().ShouldBe(ring.CurrentSigningKey.Id);
        using (var key = System.Security.Cryptography.ECDsa.Create())
        {
            // A PKCS#8 PEM of a P-256 key: importing it proves the format better than looking at its header.
            key.ImportFromPem(json["signing"]![0]!["privateKeyPem"]!.GetValue<string>());
            key.KeySize.ShouldBe(256);
        }

        json["encryption"]![0]!["id"]!.GetValue<string>().ShouldBe(ring.CurrentEncryptionKey.Id);
        Convert.FromBase64String(json["encryption"]![0]!["key"]!.GetValue<string>()).Length.ShouldBe(32);
        Convert.FromBase64String(json["indexKey"]!.GetValue<string>()).Length.ShouldBe(32);
    }

    [Fact]
    public async Task LoadReadsTheGeneratedKeysBackIdentically()
    {
        using var temp = new TempDirectory();
        var clock = new ManualTimeProvider();

        var first = KeyRing.Load(new KeysOptions(), temp.Path, out var firstGenerated);
        var contents = await File.ReadAllTextAsync(Path.Combine(temp.Path, KeyRing.FileName), Ct);
        var second = KeyRing.Load(new KeysOptions(), temp.Path, out var secondGenerated);

        firstGenerated.ShouldBeTrue();
        secondGenerated.ShouldBeFalse();
        (await File.ReadAllTextAsync(Path.Combine(temp.Path, KeyRing.FileName), Ct)).ShouldBe(contents);
        second.ToString().ShouldBe(first.ToString());

        var protectedValue = new AesGcmFieldProtector(first).Protect("alice@example.com");
        new AesGcmFieldProtector(second).Unprotect(protectedValue).ShouldBe("alice@example.com");
        new AesGcmFieldProtector(second).ComputeIndex("email", "alice@example.com")
            .ShouldBe(new AesGcmFieldProtector(first).ComputeIndex("email", "alice@example.com"));

        var token = new JwtAccessTokenService(first, new TokenOptions()).Issue("user-1", "session-1", clock.GetUtcNow());
        (await new JwtAccessTokenService(second, new TokenOptions()).ValidateAsync(token.Token, clock.GetUtcNow(), Ct)).ShouldNotBeNull();
        new JwtAccessTokenService(second, new TokenOptions()).GetJsonWebKeySet().ShouldBeEquivalentTo(new JwtAccessTokenService(first, new TokenOptions()).GetJsonWebKeySet());
    }

    [Fact]
    public async Task LoadAgreesOnOneSetOfKeysWhenProcessesStartTogether()
    {
        using var temp = new TempDirectory();

        var loads = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(
            () => (Ring: KeyRing.Load(new KeysOptions(), temp.Path, out var generated), Generated: generated), Ct)));

        loads.Count(l => l.Generated).ShouldBe(1);
        loads.Select(l => l.Ring.ToString()).Distinct().Count().ShouldBe(1);
        Directory.GetFileSystemEntries(temp.Path).ShouldBe([Path.Combine(temp.Path, KeyRing.FileName)]);
    }

    [Fact]
    public void LoadPrefersConfiguredKeysAndWritesNoFile()
    {
        using var temp = new TempDirectory();
        var configured = TestKeys.Options();

        var ring = KeyRing.Load(configured, temp.Path, out var generated);

        generated.ShouldBeFalse();
        ring.CurrentSigningKey.Id.ShouldBe(configured.Signing[0].Id);
        ring.CurrentEncryptionKey.Id.ShouldBe(configured.Encryption[0].Id);
        Directory.GetFileSystemEntries(temp.Path).ShouldBeEmpty();
    }

    [Fact]
    public void LoadFailsNamingTheSettingGivenABadEncryptionKey()
    {
        var configured = TestKeys.Options();
        configured.Encryption[0].Key = Convert.ToBase64String(new byte[16]);

        var error = Should.Throw<InvalidOperationException>(() => KeyRing.Load(configured, "unused", out _));

        error.Message.ShouldBe("Accounts:Keys:Encryption:0:Key must be base64 of 32 bytes.");
    }

    [Theory]
    [InlineData("not base64 at all")]
    [InlineData("")]
    public void LoadFailsNamingTheSettingGivenABadIndexKey(string value)
    {
        var configured = TestKeys.Options();
        configured.IndexKey = value;

        Should.Throw<InvalidOperationException>(() => KeyRing.Load(configured, "unused", out _))
            .Message.ShouldBe("Accounts:Keys:IndexKey must be base64 of 32 bytes.");
    }

    [Fact]
    public void LoadFailsNamingTheSettingWithoutShowingTheKeyGivenAnUnusablePem()
    {
        var configured = TestKeys.Rotated(TestKeys.Options());
        var pem = configured.Signing[1].PrivateKeyPem!;
        configured.Signing[1].PrivateKeyPem = pem[..(pem.Length / 2)] + "!" + pem[(pem.Length / 2)..];

        var error = Should.Throw<InvalidOperationException>(() => KeyRing.Load(configured, "unused", out _));

        error.Message.ShouldBe("Accounts:Keys:Signing:1:PrivateKeyPem must be the PKCS#8 PEM of an EC P-256 private key.");
        error.InnerException.ShouldBeNull();
    }

    [Fact]
    public void LoadFailsGivenAKeyOnAnotherCurve()
    {
        var configured = TestKeys.Options();
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        configured.Signing[0].PrivateKeyPem = p384.ExportPkcs8PrivateKeyPem();

        Should.Throw<InvalidOperationException>(() => KeyRing.Load(configured, "unused", out _))
            .Message.ShouldBe("Accounts:Keys:Signing:0:PrivateKeyPem must be the PKCS#8 PEM of an EC P-256 private key.");
    }

    [Fact]
    public void LoadFailsGivenAPublicKeyInsteadOfAPrivateOne()
    {
        var configured = TestKeys.Options();
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        configured.Signing[0].PrivateKeyPem = ecdsa.ExportSubjectPublicKeyInfoPem();

        Should.Throw<InvalidOperationException>(() => KeyRing.Load(configured, "unused", out _))
            .Message.ShouldStartWith("Accounts:Keys:Signing:0:PrivateKeyPem ");
    }

    [Fact]
    public void LoadFailsGivenPartlyConfiguredKeys()
    {
        var configured = new KeysOptions { IndexKey = Convert.ToBase64String(new byte[32]) };

        Should.Throw<InvalidOperationException>(() => KeyRing.Load(configured, "unused", out _))
            .Message.ShouldBe("Accounts:Keys:Signing must list at least one key.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("has.dot")]
    [InlineData("has space")]
    public void LoadFailsNamingTheSettingGivenABadKeyId(string id)
    {
        var configured = TestKeys.Options();
        configured.Encryption[0].Id = id;

        Should.Throw<InvalidOperationException>(() => KeyRing.Load(configured, "unused", out _))
            .Message.ShouldStartWith("Accounts:Keys:Encryption:0:Id must be ");
    }

    [Fact]
    public void LoadFailsGivenTwoKeysWithOneId()
    {
        var configured = TestKeys.Rotated(TestKeys.Options());
        configured.Signing[1].Id = configured.Signing[0].Id;

        Should.Throw<InvalidOperationException>(() => KeyRing.Load(configured, "unused", out _))
            .Message.ShouldStartWith("Accounts:Keys:Signing:1:Id repeats");
    }

    [Fact]
    public async Task LoadFailsNamingTheFileAndEntryGivenABadKeyFile()
    {
        using var temp = new TempDirectory();
        KeyRing.Load(new KeysOptions(), temp.Path, out _);
        var path = Path.Combine(temp.Path, KeyRing.FileName);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path, Ct))!;
        json["encryption"]![0]!["key"] = "c2hvcnQ=";
        await File.WriteAllTextAsync(path, json.ToJsonString(), Ct);

        Should.Throw<InvalidOperationException>(() => KeyRing.Load(new KeysOptions(), temp.Path, out _))
            .Message.ShouldBe($"{path}: encryption[0].key must be base64 of 32 bytes.");
    }

    [Fact]
    public async Task LoadFailsWithoutQuotingTheFileGivenAKeyFileThatIsNotJson()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, KeyRing.FileName);
        await File.WriteAllTextAsync(path, "{\"indexKey\": SECRETSECRET}", Ct);

        var error = Should.Throw<InvalidOperationException>(() => KeyRing.Load(new KeysOptions(), temp.Path, out _));

        error.Message.ShouldStartWith(path);
        error.Message.ShouldNotContain("SECRET");
    }

    [Fact]
    public void ToStringShowsKeyIdsOnly()
    {
        var configured = TestKeys.Options();

        var text = KeyRing.FromOptions(configured).ToString();

        text.ShouldContain(configured.Signing[0].Id!);
        text.ShouldContain(configured.Encryption[0].Id!);
        text.ShouldNotContain(configured.Encryption[0].Key!);
        text.ShouldNotContain(configured.IndexKey!);
    }
}
