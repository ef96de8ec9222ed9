using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accounts.Core;
using Accounts.Testing;

namespace Accounts.Security.Tests;

public sealed class JwtAccessTokenServiceTests
{
    private static readonly TokenOptions Options = new() { Issuer = "https://accounts.test", Audience = "accounts-api", AccessTokenLifetime = TimeSpan.FromMinutes(15) };

    private readonly ManualTimeProvider _clock = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ValidateReturnsTheClaimsOfAnIssuedToken()
    {
        var service = new JwtAccessTokenService(TestKeys.Ring(), Options);
        var issued = service.Issue("user-1", "session-1", _clock.GetUtcNow());

        var claims = await service.ValidateAsync(issued.Token, _clock.GetUtcNow(), Ct);

        claims.ShouldNotBeNull();
        claims.Subject.ShouldBe("user-1");
        claims.SessionId.ShouldBe("session-1");
        claims.TokenId.ShouldBe(issued.TokenId);
        claims.ExpiresAt.ShouldBe(_clock.GetUtcNow() + Options.AccessTokenLifetime);
        issued.ExpiresAt.ShouldBe(claims.ExpiresAt);
    }

    [Fact]
    public void IssueWritesTheExpectedHeaderAndClaims()
    {
        var keys = TestKeys.Options();
        var service = new JwtAccessTokenService(KeyRing.FromOptions(keys), Options);
        var now = _clock.GetUtcNow();

        var issued = service.Issue("user-1", "session-1", now);

        var (header, payload) = Decode(issued.Token);
        header["alg"]!.GetValue<string>().ShouldBe("ES256");
        header["typ"]!.GetValue<string>().ShouldBe("at+jwt");
        header["kid"]!.GetValue<string>().ShouldBe(keys.Signing[0].Id);
        payload["iss"]!.GetValue<string>().ShouldBe(Options.Issuer);
        payload["aud"]!.GetValue<string>().ShouldBe(Options.Audience);
        payload["sub"]!.GetValue<string>().ShouldBe("user-1");
        payload["sid"]!.GetValue<string>().ShouldBe("session-1");
        payload["jti"]!.GetValue<string>().ShouldBe(issued.TokenId);
        payload["iat"]!.GetValue<long>().ShouldBe(now.ToUnixTimeSeconds());
        payload["nbf"]!.GetValue<long>().ShouldBe(now.ToUnixTimeSeconds());
        payload["exp"]!.GetValue<long>().ShouldBe((now + Options.AccessTokenLifetime).ToUnixTimeSeconds());
    }

    [Fact]
    public void IssueGivesEachTokenItsOwnId()
    {
        var service = new JwtAccessTokenService(TestKeys.Ring(), Options);

        service.Issue("user-1", "session-1", _clock.GetUtcNow()).TokenId
            .ShouldNotBe(service.Issue("user-1", "session-1", _clock.GetUtcNow()).TokenId);
    }

    [Fact]
    public async Task ValidateRejectsTokenExactlyAtItsExpiry()
    {
        var service = new JwtAccessTokenService(TestKeys.Ring(), Options);
        var issued = service.Issue("user-1", "session-1", _clock.GetUtcNow());

        _clock.Advance(Options.AccessTokenLifetime - TimeSpan.FromSeconds(1));
        (await service.ValidateAsync(issued.Token, _clock.GetUtcNow(), Ct)).ShouldNotBeNull();

        _clock.Advance(TimeSpan.FromSeconds(1));
        _clock.GetUtcNow().ShouldBe(issued.ExpiresAt);
        (await service.ValidateAsync(issued.Token, _clock.GetUtcNow(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ValidateRejectsTokenBeforeItsNotBefore()
    {
        var service = new JwtAccessTokenService(TestKeys.Ring(), Options);
        var issued = service.Issue("user-1", "session-1", _clock.GetUtcNow());

        (await service.ValidateAsync(issued.Token, _clock.GetUtcNow() - TimeSpan.FromSeconds(1), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ValidateAcceptsTokenIssuedWithinASecond()
    {
        var service = new JwtAccessTokenService(TestKeys.Ring(), Options);
        var now = _clock.GetUtcNow() + TimeSpan.FromMilliseconds(700);
        var issued = service.Issue("user-1", "session-1", now);

        (await service.ValidateAsync(issued.Token, now, Ct)).ShouldNotBeNull();
        issued.ExpiresAt.ShouldBe(_clock.GetUtcNow() + Options.AccessTokenLifetime);
    }

    [Fact]
    public async Task ValidateRejectsTokenOfAnotherIssuer()
    {
        var keys = TestKeys.Ring();
        var other = new JwtAccessTokenService(keys, new TokenOptions { Issuer = "https://evil.test", Audience = Options.Audience });
        var service = new JwtAccessTokenService(keys, Options);

        var token = other.Issue("user-1", "session-1", _clock.GetUtcNow()).Token;

        (await service.ValidateAsync(token, _clock.GetUtcNow(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ValidateRejectsTokenForAnotherAudience()
    {
        var keys = TestKeys.Ring();
        var other = new JwtAccessTokenService(keys, new TokenOptions { Issuer = Options.Issuer, Audience = "another-api" });
        var service = new JwtAccessTokenService(keys, Options);

        var token = other.Issue("user-1", "session-1", _clock.GetUtcNow()).Token;

        (await service.ValidateAsync(token, _clock.GetUtcNow(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ValidateRejectsTokenSignedByUnknownKey()
    {
        var service = new JwtAccessTokenService(TestKeys.Ring(), Options);
        var stranger = new JwtAccessTokenService(TestKeys.Ring(), Options);

        var token = stranger.Issue("user-1", "session-1", _clock.GetUtcNow()).Token;

        (await service.ValidateAsync(token, _clock.GetUtcNow(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ValidateRejectsTokenSignedByAnotherKeyUnderAKnownKid()
    {
        var keys = TestKeys.Options();
        var impostorKeys = TestKeys.Options();
        impostorKeys.Signing[0].Id = keys.Signing[0].Id;
        var service = new JwtAccessTokenService(KeyRing.FromOptions(keys), Options);
        var impostor = new JwtAccessTokenService(KeyRing.FromOptions(impostorKeys), Options);

        var token = impostor.Issue("user-1", "session-1", _clock.GetUtcNow()).Token;

        (await service.ValidateAsync(token, _clock.GetUtcNow(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ValidateRejectsTokenWithTamperedPayload()
    {
        var service = new JwtAccessTokenService(TestKeys.Ring(), Options);
        var parts = service.Issue("user-1", "session-1", _clock.GetUtcNow()).Token.Split('.');
        var (_, payload) = Decode(string.Join('.', parts));
        payload["sub"] = "admin";

        var tampered = $"{parts[0]}.{Encode(payload)}.{parts[2]}";

        (await service.ValidateAsync(tampered, _clock.GetUtcNow(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ValidateRejectsHs256TokenKeyedWithThePublicKey()
    {
        var keys = TestKeys.Options();
        var service = new JwtAccessTokenService(KeyRing.FromOptions(keys), Options);
        var jwk = service.GetJsonWebKeySet().Keys[0];
        var secret = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(jwk));

        var token = Craft("HS256", jwk.KeyId, ValidPayload(), input => HMACSHA256.HashData(secret, input));

        (await service.ValidateAsync(token, _clock.GetUtcNow(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ValidateRejectsUnsignedToken()
    {
        var keys = TestKeys.Options();
        var service = new JwtAccessTokenService(KeyRing.FromOptions(keys), Options);

        var token = Craft("none", keys.Signing[0].Id, ValidPayload(), _ => []);

        (await service.ValidateAsync(token, _clock.GetUtcNow(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ValidateRejectsEs384TokenFromAKnownKid()
    {
        var keys = TestKeys.Options();
        var service = new JwtAccessTokenService(KeyRing.FromOptions(keys), Options);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(keys.Signing[0].PrivateKeyPem);

        var token = Craft("ES384", keys.Signing[0].Id, ValidPayload(), input => ecdsa.SignData(input, HashAlgorithmName.SHA384));

        (await service.ValidateAsync(token, _clock.GetUtcNow(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ValidateAcceptsAHandCraftedEs256TokenSoTheRejectionsAboveAreMeaningful()
    {
        var keys = TestKeys.Options();
        var service = new JwtAccessTokenService(KeyRing.FromOptions(keys), Options);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(keys.Signing[0].PrivateKeyPem);

        var token = Craft("ES256", keys.Signing[0].Id, ValidPayload(), input => ecdsa.SignData(input, HashAlgorithmName.SHA256));

        (await service.ValidateAsync(token, _clock.GetUtcNow(), Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task ValidateRejectsTokenOfAnotherType()
    {
        var keys = TestKeys.Options();
        var service = new JwtAccessTokenService(KeyRing.FromOptions(keys), Options);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(keys.Signing[0].PrivateKeyPem);

        var token = Craft("ES256", keys.Signing[0].Id, ValidPayload(), input => ecdsa.SignData(input, HashAlgorithmName.SHA256), type: "JWT");

        (await service.ValidateAsync(token, _clock.GetUtcNow(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ValidateRejectsTokenMissingTheSessionId()
    {
        var keys = TestKeys.Options();
        var service = new JwtAccessTokenService(KeyRing.FromOptions(keys), Options);
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(keys.Signing[0].PrivateKeyPem);
        var payload = ValidPayload();
        payload.Remove("sid");

        var token = Craft("ES256", keys.Signing[0].Id, payload, input => ecdsa.SignData(input, HashAlgorithmName.SHA256));

        (await service.ValidateAsync(token, _clock.GetUtcNow(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ValidateAcceptsTokenSignedByAnOldKeyStillInTheRing()
    {
        var before = TestKeys.Options();
        var token = new JwtAccessTokenService(KeyRing.FromOptions(before), Options).Issue("user-1", "session-1", _clock.GetUtcNow()).Token;

        var after = TestKeys.Rotated(before);
        var rotated = new JwtAccessTokenService(KeyRing.FromOptions(after), Options);

        (await rotated.ValidateAsync(token, _clock.GetUtcNow(), Ct)).ShouldNotBeNull();
        Decode(rotated.Issue("user-1", "session-1", _clock.GetUtcNow()).Token).Header["kid"]!.GetValue<string>().ShouldBe(after.Signing[0].Id);

        var retired = new KeysOptions { Signing = [after.Signing[0]], Encryption = after.Encryption, IndexKey = after.IndexKey };
        (await new JwtAccessTokenService(KeyRing.FromOptions(retired), Options).ValidateAsync(token, _clock.GetUtcNow(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task IssueAndValidateWorkFromManyThreadsAtOnce()
    {
        var service = new JwtAccessTokenService(TestKeys.Ring(), Options);
        var now = _clock.GetUtcNow();

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(
            async () => (await service.ValidateAsync(service.Issue($"user-{i}", "session", now).Token, now, Ct))?.Subject, Ct)));

        results.ShouldBe(Enumerable.Range(0, 200).Select(i => $"user-{i}"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("a.b")]
    [InlineData("a.b.c")]
    [InlineData("a.b.c.d.e")]
    [InlineData("....")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9..")]
    [InlineData("eyJ.eyJ.AAAA")]
    [InlineData("{\"alg\":\"ES256\"}")]
    public async Task ValidateReturnsNullGivenGarbage(string token)
    {
        var service = new JwtAccessTokenService(TestKeys.Ring(), Options);

        (await service.ValidateAsync(token, _clock.GetUtcNow(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task ValidateReturnsNullGivenHugeToken()
    {
        var service = new JwtAccessTokenService(TestKeys.Ring(), Options);
        var issued = service.Issue("user-1", "session-1", _clock.GetUtcNow()).Token;
        var parts = issued.Split('.');

        var huge = $"{parts[0]}.{parts[1]}{new string('A', 1_000_000)}.{parts[2]}";

        (await service.ValidateAsync(huge, _clock.GetUtcNow(), Ct)).ShouldBeNull();
        (await service.ValidateAsync(null!, _clock.GetUtcNow(), Ct)).ShouldBeNull();
    }

    [Fact]
    public void JwksPublishesEveryPublicKeyAndNoPrivateOne()
    {
        var keys = TestKeys.Rotated(TestKeys.Options());
        var service = new JwtAccessTokenService(KeyRing.FromOptions(keys), Options);

        var json = JsonNode.Parse(JsonSerializer.Serialize(service.GetJsonWebKeySet()))!.AsObject();

        var published = json["keys"]!.AsArray().Select(k => k!.AsObject()).ToList();
        published.Select(k => k["kid"]!.GetValue<string>()).ShouldBe(keys.Signing.Select(k => k.Id!));
        foreach (var key in published)
        {
            key.ContainsKey("d").ShouldBeFalse();
            key.Select(p => p.Key).ShouldBe(["kty", "crv", "x", "y", "kid", "use", "alg"], ignoreOrder: true);
            key["kty"]!.GetValue<string>().ShouldBe("EC");
            key["crv"]!.GetValue<string>().ShouldBe("P-256");
            key["use"]!.GetValue<string>().ShouldBe("sig");
            key["alg"]!.GetValue<string>().ShouldBe("ES256");
            Base64Url.DecodeFromChars(key["x"]!.GetValue<string>()).Length.ShouldBe(32);
            Base64Url.DecodeFromChars(key["y"]!.GetValue<string>()).Length.ShouldBe(32);
        }
    }

    [Fact]
    public void JwksKeyVerifiesTheTokensSignature()
    {
        var service = new JwtAccessTokenService(TestKeys.Ring(), Options);
        var token = service.Issue("user-1", "session-1", _clock.GetUtcNow()).Token;
        var jwk = service.GetJsonWebKeySet().Keys[0];
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.X), Y = Base64Url.DecodeFromChars(jwk.Y) },
        });

        var dot = token.LastIndexOf('.');
        ecdsa.VerifyData(Encoding.ASCII.GetBytes(token[..dot]), Base64Url.DecodeFromChars(token.AsSpan(dot + 1)), HashAlgorithmName.SHA256)
            .ShouldBeTrue();
    }

    [Fact]
    public void ConstructorFailsNamingTheSettingGivenNoLifetime()
    {
        var options = new TokenOptions { AccessTokenLifetime = TimeSpan.Zero };

        Should.Throw<ArgumentException>(() => new JwtAccessTokenService(TestKeys.Ring(), options))
            .Message.ShouldStartWith("Accounts:Tokens:AccessTokenLifetime");
    }

    private JsonObject ValidPayload()
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = Options.Issuer,
            ["aud"] = Options.Audience,
            ["sub"] = "user-1",
            ["sid"] = "session-1",
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 900,
        };
    }

    private static string Craft(string algorithm, string? keyId, JsonObject payload, Func<byte[], byte[]> sign, string type = "at+jwt")
    {
        var header = new JsonObject { ["alg"] = algorithm, ["typ"] = type, ["kid"] = keyId };
        var input = $"{Encode(header)}.{Encode(payload)}";
        return $"{input}.{Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(input)))}";
    }

    private static string Encode(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));

    private static (JsonObject Header, JsonObject Payload) Decode(string token)
    {
        var parts = token.Split('.');
        return (
            JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject(),
            JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject());
    }
}
