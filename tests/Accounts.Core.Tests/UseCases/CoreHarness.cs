using Accounts.Core.Profiles;
using Accounts.Core.Recovery;
using Accounts.Core.Security;
using Accounts.Core.Services;
using Accounts.Core.Sessions;
using Accounts.Core.Throttling;
using Accounts.Core.Users;
using Accounts.Core.Verification;
using Accounts.Security;
using Accounts.Storage;
using Accounts.Storage.Sqlite;
using Accounts.Testing;

namespace Accounts.Core.Tests.UseCases;

/// <summary>
/// The core's use cases wired by hand to the real adapters on a temporary directory, with a clock the test moves
/// and a delivery port that keeps messages in memory so the test can read the codes.
/// </summary>
internal sealed class CoreHarness : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "accounts-core-tests", Guid.NewGuid().ToString("N"));
    private readonly AccountStorage _storage;

    private CoreHarness(PasswordHashingOptions? hashing)
    {
        Directory.CreateDirectory(_directory);
        _storage = SqliteStorage.Create(Path.Combine(_directory, "accounts.db"), Clock);
        var keys = KeyRing.Load(new KeysOptions(), _directory, out _);
        Protector = new AesGcmFieldProtector(keys);
        Hasher = new Argon2idPasswordHasher(hashing ?? new PasswordHashingOptions { MemoryKiB = 8192, Iterations = 1 });
        Tokens = new JwtAccessTokenService(keys, TokenOptions);
        Rebuild();
    }

    public ManualTimeProvider Clock { get; } = new();

    public CodeOptions CodeOptions { get; } = new();

    public LockoutOptions LockoutOptions { get; } = new();

    public TokenOptions TokenOptions { get; } = new();

    public IFieldProtector Protector { get; }

    public IPasswordHasher Hasher { get; private set; }

    public IAccessTokenService Tokens { get; }

    public CapturingSender Sender { get; } = new();

    public ITokenCache Cache { get; } = new NoTokenCache();

    public AccountStorage Storage => _storage;

    public RequestVerificationCode RequestCode { get; private set; } = null!;
    public RegisterUser Register { get; private set; } = null!;
    public SignIn SignIn { get; private set; } = null!;
    public RefreshSession Refresh { get; private set; } = null!;
    public VerifyToken VerifyToken { get; private set; } = null!;
    public UpdateProfile UpdateProfile { get; private set; } = null!;
    public RequestPasswordReset RequestReset { get; private set; } = null!;

    public DeleteAccount DeleteAccount { get; private set; } = null!;
    public ConfirmPasswordReset ConfirmReset { get; private set; } = null!;
    public StartRegistration StartRegistration { get; private set; } = null!;
    public CompleteRegistration CompleteRegistration { get; private set; } = null!;
    public OtpOptions OtpOptions { get; } = new();

    public static async Task<CoreHarness> StartAsync(PasswordHashingOptions? hashing = null)
    {
        var harness = new CoreHarness(hashing);
        await harness._storage.Migrator.MigrateAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>Swaps the password hasher (as a restart with new parameters would) and rebuilds the use cases.</summary>
    public void UseHasher(IPasswordHasher hasher)
    {
        Hasher = hasher;
        Rebuild();
    }

    public async Task<UserProfile> RegisterAsync(string username = "ada", string email = "ada@example.com", string password = Password)
    {
        var ct = TestContext.Current.CancellationToken;
        (await RequestCode.ExecuteAsync(new VerificationRequest("email", email, "register"), ct)).IsSuccess.ShouldBeTrue();
        var result = await Register.ExecuteAsync(new Registration(username, password, Sender.LatestCode(email.ToLowerInvariant()), Email: email), ct);
        result.Error.ShouldBeNull();
        return result.Value;
    }

    public async ValueTask DisposeAsync()
    {
        await _storage.DisposeAsync();
        (Hasher as IDisposable)?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Rebuild()
    {
        var users = _storage.Users;
        var directory = new UserDirectory(users, Protector);
        // The bus, in its simplest form: each request is delivered as soon as it is in the outbox (the server's relay
        // does the same in the background), so the use cases' tests read the code at once.
        var outbox = new InlineDelivery(_storage.CodeRequests(Protector));
        var issuer = new CodeIssuer(_storage.Codes, outbox, Sender, Protector, new InMemoryRateLimitCounter(Clock), CodeOptions, Clock);
        outbox.Deliver = new DeliverVerificationCode(outbox, issuer, CodeOptions, Clock);
        var verifier = new CodeVerifier(_storage.Codes, Protector, CodeOptions, Clock);
        var gate = new PasswordGate(Hasher, _storage.Lockouts, users, _storage.Audit, LockoutOptions, Clock);
        var sessions = new SessionIssuer(_storage.Sessions, Tokens, Protector, TokenOptions, Clock);
        RequestCode = new RequestVerificationCode(issuer, users, CodeOptions);
        Register = new RegisterUser(users, Hasher, Protector, verifier, directory, _storage.Audit, new ProfileOptions(), Clock);
        SignIn = new SignIn(directory, gate, sessions, _storage.Audit, Clock);
        Refresh = new RefreshSession(_storage.Sessions, Cache, Protector, sessions, _storage.Audit, Clock);
        VerifyToken = new VerifyToken(Tokens, _storage.Sessions, Cache, Protector, Clock);
        UpdateProfile = new UpdateProfile(users, _storage.Sessions, Cache, Hasher, Protector, gate, verifier, directory, _storage.Audit, new ProfileOptions(), Clock);
        RequestReset = new RequestPasswordReset(directory, Protector, issuer, _storage.Audit, Clock);
        DeleteAccount = new DeleteAccount(users, _storage.Lockouts, Cache, gate, _storage.Audit, Clock);
        StartRegistration = new StartRegistration(users, Hasher, Protector, issuer, OtpOptions);
        CompleteRegistration = new CompleteRegistration(users, Protector, verifier, sessions, directory, _storage.Audit, Clock);
        ConfirmReset = new ConfirmPasswordReset(directory, users, _storage.Sessions, Cache, _storage.Lockouts, Hasher, verifier, _storage.Audit, Clock);
    }
}

/// <summary>The delivery port, keeping what it was asked to send.</summary>
internal sealed class CapturingSender : IMessageSender
{
    private readonly List<OutgoingMessage> _sent = [];

    public IReadOnlyList<OutgoingMessage> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>When set, sending fails with it, as a relay that does not answer.</summary>
    public Exception? FailWith { get; set; }

    public Task<string?> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (FailWith is { } failure)
        {
            return Task.FromException<string?>(failure);
        }

        lock (_sent)
        {
            _sent.Add(message);
        }

        return Task.FromResult<string?>(null);
    }

    public string LatestCode(string destination) =>
        System.Text.RegularExpressions.Regex.Match(Sent.Last(m => m.Destination == destination).Text, @"\b\d{6}\b").Value;
}

/// <summary>The outbox, delivering each request as it is added: the bus with no distance.</summary>
internal sealed class InlineDelivery(ICodeRequestOutbox inner) : DelegatingCodeRequestOutbox(inner)
{
    public DeliverVerificationCode Deliver { get; set; } = null!;

    public override async Task AddAsync(CodeRequest request, CancellationToken cancellationToken)
    {
        await Inner.AddAsync(request, cancellationToken);
        if (request.PublishedAt is null)
        {
            await Inner.MarkPublishedAsync(request.Id, request.CreatedAt, cancellationToken);
            var delivered = await Deliver.ExecuteAsync(new CodeRequestMessage(request.Id, "inline/" + request.Id, request.UserId, request.Destination), cancellationToken);
            delivered.Error.ShouldBeNull();
        }
    }
}
