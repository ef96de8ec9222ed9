namespace Accounts.Core.Verification;

public interface IVerificationCodeStore
{
    /// <summary>Stores a new code and retires every earlier unconsumed code for the same purpose and destination.</summary>
    Task IssueAsync(VerificationCode code, CancellationToken cancellationToken);

    /// <summary>The newest code for this purpose and destination that is unconsumed and not expired at <paramref name="now"/>.</summary>
    Task<VerificationCode?> FindLiveAsync(CodePurpose purpose, string destinationIndex, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically spends one attempt on the code, before it is compared: false when the code is consumed or
    /// already had <paramref name="maxAttempts"/> attempts. Concurrent guesses can therefore never exceed the limit.
    /// </summary>
    Task<bool> TryBeginAttemptAsync(string codeId, int maxAttempts, CancellationToken cancellationToken);

    /// <summary>Atomically marks the code used; false when it was already consumed.</summary>
    Task<bool> TryConsumeAsync(string codeId, DateTimeOffset now, CancellationToken cancellationToken);
}
