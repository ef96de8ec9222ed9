using Accounts.Core.Security;

namespace Accounts.Security.Tests;

public sealed class Argon2idPasswordHasherTests
{
    // Cheap costs keep the suite fast; one test below runs the defaults.
    private static readonly PasswordHashingOptions Fast = new() { MemoryKiB = 8192, Iterations = 1 };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VerifySucceedsGivenThePasswordThatWasHashed()
    {
        using var hasher = new Argon2idPasswordHasher(Fast);
        var hash = await hasher.HashAsync("correct horse battery staple", Ct);

        (await hasher.VerifyAsync(hash, "correct horse battery staple", Ct)).ShouldBe(PasswordVerification.Success);
    }

    [Fact]
    public async Task VerifyFailsGivenWrongPassword()
    {
        using var hasher = new Argon2idPasswordHasher(Fast);
        var hash = await hasher.HashAsync("correct horse battery staple", Ct);

        (await hasher.VerifyAsync(hash, "correct horse battery stapler", Ct)).ShouldBe(PasswordVerification.Failed);
        (await hasher.VerifyAsync(hash, string.Empty, Ct)).ShouldBe(PasswordVerification.Failed);
    }

    [Fact]
    public async Task HashUsesArgon2idWithOwaspCostsByDefault()
    {
        using var hasher = new Argon2idPasswordHasher(new PasswordHashingOptions());
        var hash = await hasher.HashAsync("correct horse battery staple", Ct);

        hash.ShouldStartWith("$argon2id$v=19$m=19456,t=2,p=1$");
        (await hasher.VerifyAsync(hash, "correct horse battery staple", Ct)).ShouldBe(PasswordVerification.Success);
    }

    [Fact]
    public async Task HashDiffersEachTimeForOnePassword()
    {
        using var hasher = new Argon2idPasswordHasher(Fast);

        var first = await hasher.HashAsync("correct horse battery staple", Ct);
        var second = await hasher.HashAsync("correct horse battery staple", Ct);

        first.ShouldNotBe(second);
        first.ShouldStartWith("$argon2id$v=19$m=8192,t=1,p=1$");
    }

    [Theory]
    [InlineData(8192, 2)]
    [InlineData(16384, 1)]
    public async Task VerifyAsksForRehashGivenHashMadeWithOtherCosts(int memoryKiB, int iterations)
    {
        using var old = new Argon2idPasswordHasher(Fast);
        using var current = new Argon2idPasswordHasher(new PasswordHashingOptions { MemoryKiB = memoryKiB, Iterations = iterations });
        var hash = await old.HashAsync("correct horse battery staple", Ct);

        (await current.VerifyAsync(hash, "correct horse battery staple", Ct)).ShouldBe(PasswordVerification.SuccessRehashNeeded);
        (await current.VerifyAsync(hash, "wrong horse battery staple", Ct)).ShouldBe(PasswordVerification.Failed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a hash")]
    [InlineData("$argon2id$")]
    [InlineData("$argon2id$v=19$m=8192,t=1,p=1$")]
    [InlineData("$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$")]
    [InlineData("$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$!!notbase64!!")]
    [InlineData("$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA")]
    [InlineData("$argon2id$v=16$m=8192,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2i$v=19$m=8192,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW")]
    public async Task VerifyFailsGivenMalformedOrUnknownHash(string hash)
    {
        using var hasher = new Argon2idPasswordHasher(Fast);

        (await hasher.VerifyAsync(hash, "correct horse battery staple", Ct)).ShouldBe(PasswordVerification.Failed);
    }

    [Fact]
    public async Task VerifyFailsGivenTruncatedOrAlteredHash()
    {
        using var hasher = new Argon2idPasswordHasher(Fast);
        var hash = await hasher.HashAsync("correct horse battery staple", Ct);
        var altered = hash[..^2] + (hash[^2] == 'A' ? 'B' : 'A') + hash[^1];

        (await hasher.VerifyAsync(hash[..^4], "correct horse battery staple", Ct)).ShouldBe(PasswordVerification.Failed);
        (await hasher.VerifyAsync(altered, "correct horse battery staple", Ct)).ShouldBe(PasswordVerification.Failed);
        (await hasher.VerifyAsync(hash + new string('A', 300), "correct horse battery staple", Ct)).ShouldBe(PasswordVerification.Failed);
    }

    [Fact]
    public async Task VerifySucceedsGivenUnicodePassword()
    {
        using var hasher = new Argon2idPasswordHasher(Fast);
        const string Password = "pässwörd 密码 пароль 🔐";
        var hash = await hasher.HashAsync(Password, Ct);

        (await hasher.VerifyAsync(hash, Password, Ct)).ShouldBe(PasswordVerification.Success);
        (await hasher.VerifyAsync(hash, "passwörd 密码 пароль 🔐", Ct)).ShouldBe(PasswordVerification.Failed);
    }

    [Fact]
    public async Task VerifySucceedsGivenEmptyPasswordThatWasHashed()
    {
        using var hasher = new Argon2idPasswordHasher(Fast);
        var hash = await hasher.HashAsync(string.Empty, Ct);

        (await hasher.VerifyAsync(hash, string.Empty, Ct)).ShouldBe(PasswordVerification.Success);
        (await hasher.VerifyAsync(hash, " ", Ct)).ShouldBe(PasswordVerification.Failed);
    }

    [Fact]
    public async Task ConcurrentHashesBeyondTheBoundAllComplete()
    {
        using var hasher = new Argon2idPasswordHasher(new PasswordHashingOptions { MemoryKiB = 8192, Iterations = 1, MaxConcurrency = 2 });

        var hashes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => hasher.HashAsync($"password {i}", Ct), Ct)));

        for (var i = 0; i < hashes.Length; i++)
        {
            (await hasher.VerifyAsync(hashes[i], $"password {i}", Ct)).ShouldBe(PasswordVerification.Success);
        }
    }

    [Fact]
    public async Task HashThrowsGivenCancelledToken()
    {
        using var hasher = new Argon2idPasswordHasher(Fast);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => hasher.HashAsync("correct horse battery staple", cancelled.Token));
    }

    [Theory]
    [InlineData(4, 1, 1, "Accounts:Passwords:MemoryKiB")]
    [InlineData(8192, 0, 1, "Accounts:Passwords:Iterations")]
    [InlineData(8192, 1, 0, "Accounts:Passwords:MaxConcurrency")]
    public void ConstructorFailsNamingTheSettingGivenCostOutOfRange(int memoryKiB, int iterations, int concurrency, string setting)
    {
        var options = new PasswordHashingOptions { MemoryKiB = memoryKiB, Iterations = iterations, MaxConcurrency = concurrency };

        Should.Throw<ArgumentException>(() => new Argon2idPasswordHasher(options)).Message.ShouldStartWith(setting);
    }

    [Fact]
    public void LibsodiumIsAvailable()
    {
        Should.NotThrow(Argon2idPasswordHasher.EnsureAvailable);
    }

    [Fact]
    public void LoadingFailsNamingTheDebianPackageGivenNoLibsodium()
    {
        var error = Should.Throw<InvalidOperationException>(
            () => Sodium.Load(typeof(Sodium).Assembly, ["libsodium-missing.so.99"]));

        error.Message.ShouldContain("libsodium23");
        error.Message.ShouldContain("libsodium-missing.so.99");
    }
}
