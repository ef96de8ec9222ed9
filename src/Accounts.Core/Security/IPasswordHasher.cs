namespace Accounts.Core.Security;

public enum PasswordVerification
{
    Failed,
    Success,

    /// <summary>The password is right but was hashed with other parameters than today's: hash it again.</summary>
    SuccessRehashNeeded,
}

/// <summary>Argon2id in production. Hashing is deliberately slow and memory-hungry; implementations bound its concurrency.</summary>
public interface IPasswordHasher
{
    Task<string> HashAsync(string password, CancellationToken cancellationToken);

    Task<PasswordVerification> VerifyAsync(string hash, string password, CancellationToken cancellationToken);
}
