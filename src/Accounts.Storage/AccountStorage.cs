using Accounts.Core.Audit;
using Accounts.Core.Sessions;
using Accounts.Core.Users;
using Accounts.Core.Verification;
using Accounts.Storage.Audit;
using Accounts.Storage.Sessions;
using Accounts.Storage.Users;
using Accounts.Storage.Verification;

namespace Accounts.Storage;

/// <summary>
/// The Core's five store ports and the schema migrator over one database. Hosts usually register it with
/// <see cref="StorageServiceCollectionExtensions.AddAccountsStorage"/>; tools and tests may build it directly.
/// Disposing it disposes the provider.
/// </summary>
public sealed class AccountStorage : IDisposable, IAsyncDisposable
{
    public AccountStorage(StorageProvider provider, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(provider);
        Provider = provider;
        Users = new SqlUserStore(provider);
        Codes = new SqlVerificationCodeStore(provider);
        Sessions = new SqlSessionStore(provider);
        Lockouts = new SqlLockoutStore(provider);
        Audit = new SqlAuditLog(provider);
        Migrator = new SchemaMigrator(provider, time);
    }

    public StorageProvider Provider { get; }

    public IUserStore Users { get; }

    public IVerificationCodeStore Codes { get; }

    public ISessionStore Sessions { get; }

    public ILockoutStore Lockouts { get; }

    public IAuditLog Audit { get; }

    public SchemaMigrator Migrator { get; }

    /// <summary>The outbox of code requests; it encrypts destinations, hence the protector.</summary>
    public ICodeRequestOutbox CodeRequests(Accounts.Core.Security.IFieldProtector protector) => new SqlCodeRequestOutbox(Provider, protector);

    public void Dispose() => Provider.Dispose();

    public ValueTask DisposeAsync() => Provider.DisposeAsync();
}
