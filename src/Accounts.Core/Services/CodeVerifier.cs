using System.Security.Cryptography;
using System.Text;
using Accounts.Core.Errors;
using Accounts.Core.Security;
using Accounts.Core.Verification;

namespace Accounts.Core.Services;

/// <summary>
/// Checks a code against the live code of a purpose and destination, spending one of its attempts first, and
/// consumes it when it matches: a code works once, for what it was sent for, within its lifetime and tries.
/// </summary>
public sealed class CodeVerifier(IVerificationCodeStore codes, IFieldProtector protector, CodeOptions options, TimeProvider time)
{
    /// <summary>Null when <paramref name="code"/> is the live code for one of <paramref name="destinationIndexes"/> (and is now spent).</summary>
    public async Task<Error?> VerifyAndConsumeAsync(
        CodePurpose purpose,
        IEnumerable<string?> destinationIndexes,
        string? code,
        CancellationToken cancellationToken) =>
        (await VerifyAndTakeAsync(purpose, destinationIndexes, code, cancellationToken)).Error;

    /// <summary>The code that matched (now spent), with what it carries; or why none did.</summary>
    public Task<Result<VerificationCode>> VerifyAndTakeAsync(
        CodePurpose purpose,
        IEnumerable<string?> destinationIndexes,
        string? code,
        CancellationToken cancellationToken) =>
        VerifyCoreAsync(purpose, destinationIndexes, code, consume: true, cancellationToken);

    /// <summary>
    /// The code that matched, left live (the attempt is spent all the same): for a caller whose work may die before it
    /// is done, which spends the code with <see cref="ConsumeAsync"/> once it is. A run that dies in between can run
    /// again with the same code; a second use racing the first is stopped by what the work itself writes (a unique
    /// id, phone or email), not by the code.
    /// </summary>
    public Task<Result<VerificationCode>> VerifyAsync(
        CodePurpose purpose,
        IEnumerable<string?> destinationIndexes,
        string? code,
        CancellationToken cancellationToken) =>
        VerifyCoreAsync(purpose, destinationIndexes, code, consume: false, cancellationToken);

    /// <summary>Spends a code <see cref="VerifyAsync"/> matched; false when it was spent already.</summary>
    public Task<bool> ConsumeAsync(VerificationCode code, CancellationToken cancellationToken) =>
        codes.TryConsumeAsync(code.Id, time.GetUtcNow(), cancellationToken);

    private async Task<Result<VerificationCode>> VerifyCoreAsync(
        CodePurpose purpose,
        IEnumerable<string?> destinationIndexes,
        string? code,
        bool consume,
        CancellationToken cancellationToken)
    {
        code = code?.Trim();
        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
        {
            return AccountErrors.CodeInvalid;
        }

        var now = time.GetUtcNow();
        var exhausted = false;
        foreach (var index in destinationIndexes.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var live = await codes.FindLiveAsync(purpose, index, now, cancellationToken);
            if (live is null)
            {
                continue;
            }

            if (!await codes.TryBeginAttemptAsync(live.Id, options.MaxAttempts, cancellationToken))
            {
                exhausted = true;
                continue;
            }

            var expected = Encoding.ASCII.GetBytes(live.CodeHash);
            var actual = Encoding.ASCII.GetBytes(protector.Code(live.Id, code));
            if (CryptographicOperations.FixedTimeEquals(expected, actual)
                && (!consume || await codes.TryConsumeAsync(live.Id, now, cancellationToken)))
            {
                return live;
            }
        }

        return exhausted ? AccountErrors.CodeAttemptsExhausted : AccountErrors.CodeInvalid;
    }
}
