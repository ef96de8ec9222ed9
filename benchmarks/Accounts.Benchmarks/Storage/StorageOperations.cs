using System.Buffers.Text;
using System.Security.Cryptography;
using Accounts.Core;
using Accounts.Core.Audit;
using Accounts.Core.Sessions;
using Accounts.Core.Users;
using Accounts.Core.Verification;
using Accounts.Storage;

namespace Accounts.Benchmarks.Storage;

/// <summary>
/// One measured operation: a short sequence of store calls as the service makes them. <see cref="RunOnceAsync"/>
/// answers null on success, or what went wrong when a store reported a failure without throwing.
/// </summary>
internal sealed record StorageOperation(
    string Key,
    string Title,
    string Calls,
    int CallsPerOperation,
    Func<OperationState, CancellationToken, Task<string?>> RunOnceAsync);

/// <summary>What the operations share during one engine's run: the store, and the users created so far.</summary>
internal sealed class OperationState(AccountStorage storage, string passwordHash)
{
    private readonly Lock _gate = new();
    private readonly List<string> _created = [];
    private readonly string _runTag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private string[] _userIds = [];
    private long _sequence;

    public AccountStorage Storage { get; } = storage;

    public string PasswordHash { get; } = passwordHash;

    public int UserCount => _userIds.Length;

    public string NextUsername() => $"bench_{_runTag}_{Interlocked.Increment(ref _sequence)}";

    public void AddUser(string id)
    {
        lock (_gate)
        {
            _created.Add(id);
        }
    }

    /// <summary>Makes the users created so far the ones the later operations pick from.</summary>
    public void FreezeUsers()
    {
        lock (_gate)
        {
            _userIds = [.. _created];
        }
    }

    public string AnyUserId() => _userIds[Random.Shared.Next(_userIds.Length)];
}

/// <summary>The mix the "storage" mode measures, in the order it runs them (later ones use the users the first creates).</summary>
internal static class StorageOperations
{
    private static readonly TimeProvider Time = TimeProvider.System;

    // The service's defaults.
    private static readonly TokenOptions TokenDefaults = new();
    private static readonly CodeOptions CodeDefaults = new();
    private static readonly LockoutOptions LockoutDefaults = new();

    public static IReadOnlyList<StorageOperation> All { get; } =
    [
        new("user-create", "user create", "Users.CreateAsync (unique username and email index)", 1, CreateUserAsync),
        new("user-find", "user find by id", "Users.FindByIdAsync", 1, FindUserAsync),
        new("session-rotate", "session create + rotate", "Sessions.CreateAsync (session + first refresh token), Sessions.TryRotateAsync", 2, SessionAsync),
        new("code", "code issue + attempt + consume", "Codes.IssueAsync, Codes.TryBeginAttemptAsync, Codes.TryConsumeAsync", 3, CodeAsync),
        new("lockout-failure", "lockout record failure", "Lockouts.RecordFailureAsync (default threshold and duration)", 1, LockoutAsync),
        new("audit-write", "audit write", "Audit.WriteAsync (sign_in_failed)", 1, AuditAsync),
    ];

    private static async Task<string?> CreateUserAsync(OperationState state, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var username = state.NextUsername();
        var user = new UserRecord
        {
            Id = UserId.New(),
            Username = username,
            NormalizedUsername = username,
            DisplayName = "Benchmark User",

            // Shaped as the service stores them: AES-GCM ciphertext "keyid.base64url(nonce|ciphertext|tag)" of a
            // 24-character address, and its HMAC-SHA256 blind index.
            EmailCipher = Protected(24),
            EmailIndex = Token(),
            PasswordHash = state.PasswordHash,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var result = await state.Storage.Users.CreateAsync(user, cancellationToken);
        if (result != UserWriteResult.Success)
        {
            return $"create: {result}";
        }

        state.AddUser(user.Id);
        return null;
    }

    private static async Task<string?> FindUserAsync(OperationState state, CancellationToken cancellationToken) =>
        await state.Storage.Users.FindByIdAsync(state.AnyUserId(), cancellationToken) is null ? "find: not found" : null;

    private static async Task<string?> SessionAsync(OperationState state, CancellationToken cancellationToken)
    {
        // As SessionIssuer (sign-in) then RefreshSession (a refresh) write them, with the default lifetimes.
        var now = Time.GetUtcNow();
        var session = new Session(Guid.CreateVersion7(now).ToString("N"), state.AnyUserId(), now, now + TokenDefaults.SessionLifetime);
        var first = new RefreshToken(Token(), session.Id, now, now + TokenDefaults.RefreshTokenLifetime);
        await state.Storage.Sessions.CreateAsync(session, first, cancellationToken);
        var next = new RefreshToken(Token(), session.Id, now, now + TokenDefaults.RefreshTokenLifetime);
        return await state.Storage.Sessions.TryRotateAsync(first.TokenHash, next, now, cancellationToken) ? null : "rotate: refused";
    }

    private static async Task<string?> CodeAsync(OperationState state, CancellationToken cancellationToken)
    {
        // A registration code, which carries the pending registration (encrypted by the core) as its payload.
        var now = Time.GetUtcNow();
        var code = new VerificationCode
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            Purpose = CodePurpose.Register,
            Channel = DeliveryChannel.Email,
            DestinationIndex = Token(),
            CodeHash = Token(),
            CreatedAt = now,
            ExpiresAt = now + CodeDefaults.Lifetime,
            Payload = Protected(200),
        };
        await state.Storage.Codes.IssueAsync(code, cancellationToken);
        if (!await state.Storage.Codes.TryBeginAttemptAsync(code.Id, CodeDefaults.MaxAttempts, cancellationToken))
        {
            return "attempt: refused";
        }

        return await state.Storage.Codes.TryConsumeAsync(code.Id, Time.GetUtcNow(), cancellationToken) ? null : "consume: refused";
    }

    private static async Task<string?> LockoutAsync(OperationState state, CancellationToken cancellationToken)
    {
        await state.Storage.Lockouts.RecordFailureAsync(state.AnyUserId(), LockoutDefaults.Threshold, LockoutDefaults.Duration, Time.GetUtcNow(), cancellationToken);
        return null;
    }

    private static async Task<string?> AuditAsync(OperationState state, CancellationToken cancellationToken)
    {
        await state.Storage.Audit.WriteAsync(new AuditEvent(Time.GetUtcNow(), AuditEvents.SignInFailed, state.AnyUserId(), "192.0.2.10"), cancellationToken);
        return null;
    }

    /// <summary>A 43-character base64url value, as a keyed hash (HMAC-SHA256) or a refresh token hash is stored.</summary>
    private static string Token() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>A value shaped as AesGcmFieldProtector.Protect's output for a plaintext of this many bytes.</summary>
    private static string Protected(int plaintextBytes) =>
        Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(6)) + "." + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12 + plaintextBytes + 16));
}
