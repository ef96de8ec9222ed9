using Accounts.Core.Audit;
using Accounts.Core.Sessions;
using Accounts.Core.Users;
using Accounts.Core.Verification;
using Accounts.Storage;
using Accounts.Testing;

namespace Accounts.Storage.Tests;

/// <summary>
/// Every behaviour the Core expects of its store ports, written once against the public storage API. An engine
/// runs it with one subclass that says how to make an empty database: nothing engine-specific belongs here.
/// Each test gets a database of its own, migrated before it starts.
/// </summary>
public abstract partial class StoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 30, 15, 123, TimeSpan.Zero);

    private readonly List<TestDatabase> _databases = [];
    private AccountStorage? _storage;

    protected ManualTimeProvider Time { get; } = new(T0);

    protected AccountStorage Storage => _storage ?? throw new InvalidOperationException("The test has not been initialized.");

    protected IUserStore Users => Storage.Users;

    protected virtual IVerificationCodeStore Codes => Storage.Codes;

    protected ISessionStore Sessions => Storage.Sessions;

    protected virtual ILockoutStore Lockouts => Storage.Lockouts;

    /// <summary>
    /// Whether deleting a user deletes its lockout row in the same store. Not when lockouts live in Redis: there
    /// the DeleteAccount use case resets the lockout itself.
    /// </summary>
    protected virtual bool LockoutsLiveWithUsers => true;

    protected IAuditLog Audit => Storage.Audit;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var database = await CreateEmptyDatabaseAsync();
        _storage = new AccountStorage(database.Provider, Time);
        await _storage.Migrator.MigrateAsync(Ct);
    }

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A new, empty database of the engine under test; the caller disposes it.</summary>
    protected abstract Task<TestDatabase> CreateDatabaseAsync(CancellationToken cancellationToken);

    /// <summary>A provider whose database cannot be reached (no such server, file or folder).</summary>
    protected abstract StorageProvider CreateUnreachableProvider();

    /// <summary>Another empty database, dropped with the test.</summary>
    protected async Task<TestDatabase> CreateEmptyDatabaseAsync()
    {
        var database = await CreateDatabaseAsync(Ct);
        _databases.Add(database);
        return database;
    }

    /// <summary>Runs <paramref name="count"/> calls on the thread pool, released together, so that they truly race.</summary>
    protected static async Task<T[]> RaceAsync<T>(int count, Func<int, Task<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count)
            .Select(i => Task.Run(
                async () =>
                {
                    await start.Task;
                    return await call(i);
                },
                Ct))
            .ToArray();
        start.SetResult();
        return await Task.WhenAll(calls);
    }

    protected static UserRecord NewUser(string id, string username, string? emailIndex = null, string? phoneIndex = null) => new()
    {
        Id = id,
        Username = username,
        NormalizedUsername = Username.Normalize(username),
        DisplayName = $"{username} Display",
        EmailCipher = emailIndex is null ? null : $"v1.cipher-of-{emailIndex}",
        EmailIndex = emailIndex,
        PhoneCipher = phoneIndex is null ? null : $"v1.cipher-of-{phoneIndex}",
        PhoneIndex = phoneIndex,
        Image = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0xFF],
        PasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    protected static void ShouldBeSameUser(UserRecord? actual, UserRecord expected)
    {
        actual.ShouldNotBeNull();
        (actual with { Image = null }).ShouldBe(expected with { Image = null });
        actual.Image.ShouldBe(expected.Image);
    }
}
