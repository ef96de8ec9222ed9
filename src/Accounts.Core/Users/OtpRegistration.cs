using System.Text.Json;
using Accounts.Core.Audit;
using Accounts.Core.Errors;
using Accounts.Core.Security;
using Accounts.Core.Services;
using Accounts.Core.Verification;

namespace Accounts.Core.Users;

/// <summary>The email one-time password of a registration in two steps (section <c>Accounts:Otp</c>).</summary>
public sealed class OtpOptions
{
    public const string Section = "Accounts:Otp";

    /// <summary>How long the emailed one-time password, and the registration waiting for it, stay valid.</summary>
    public TimeSpan Expiry { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>A registration waiting for its one-time password, known by the id of the code that was sent.</summary>
public sealed record PendingRegistration(string VerificationId, DateTimeOffset ExpiresAt);

/// <summary>What a completed registration answers: the new user, signed in.</summary>
public sealed record CompletedRegistration(TokenPair Tokens, UserProfile User);

/// <summary>
/// Registration in two steps, as the binary TCP gateway does it (seed 004): the person gives a username, an email
/// and a password; a one-time password is emailed; the account exists once it comes back. Until then nothing is
/// created: the choices wait inside the code (encrypted, the password already hashed) and vanish with it.
/// </summary>
public sealed class StartRegistration(
    IUserStore users,
    IPasswordHasher hasher,
    IFieldProtector protector,
    CodeIssuer codes,
    OtpOptions options)
{
    public async Task<Result<PendingRegistration>> ExecuteAsync(string? username, string? email, string? password, string? clientAddress, CancellationToken cancellationToken)
    {
        var name = Username.Parse(username);
        if (!name.IsSuccess)
        {
            return name.Error!;
        }

        var address = EmailAddress.Parse(email);
        if (!address.IsSuccess)
        {
            return address.Error!;
        }

        if (PasswordPolicy.Check(password, name.Value, address.Value) is { } weak)
        {
            return weak;
        }

        // Usernames are public; whether the email is taken is told only to whoever proves it is theirs.
        if (await users.FindByUsernameAsync(Username.Normalize(name.Value), cancellationToken) is not null)
        {
            return AccountErrors.UsernameTaken;
        }

        // The sending limits first: a request they refuse must not cost a password hash.
        if (await codes.CheckLimitsAsync(DeliveryChannel.Email, address.Value, clientAddress, cancellationToken) is { } limited)
        {
            return limited;
        }

        var pending = new PendingPayload(name.Value, await hasher.HashAsync(password!, cancellationToken));
        var payload = protector.Protect(JsonSerializer.Serialize(pending, PendingPayload.Json));
        var ticket = await codes.RequestAsync(CodePurpose.Register, DeliveryChannel.Email, address.Value, options.Expiry, payload, null, cancellationToken);
        return new PendingRegistration(ticket.VerificationId, ticket.ExpiresAt);
    }
}

/// <summary>The second step: the one-time password proves the email, and the account is created and signed in.</summary>
public sealed class CompleteRegistration(
    IUserStore users,
    IFieldProtector protector,
    CodeVerifier codes,
    SessionIssuer sessions,
    UserDirectory directory,
    IAuditLog audit,
    TimeProvider time)
{
    public async Task<Result<CompletedRegistration>> ExecuteAsync(string? email, string? otp, string? clientAddress, CancellationToken cancellationToken)
    {
        var address = EmailAddress.Parse(email);
        if (!address.IsSuccess)
        {
            return address.Error!;
        }

        var emailIndex = protector.Email(address.Value);
        var taken = await codes.VerifyAndTakeAsync(CodePurpose.Register, [emailIndex], otp, cancellationToken);
        if (!taken.IsSuccess)
        {
            return taken.Error!;
        }

        // A register code sent for the HTTP flow carries no pending registration: it proves the email, nothing more.
        if (taken.Value.Payload is not { } payload)
        {
            return AccountErrors.CodeInvalid;
        }

        var pending = JsonSerializer.Deserialize<PendingPayload>(protector.Unprotect(payload), PendingPayload.Json)
            ?? throw new InvalidDataException("A pending registration could not be read.");
        var now = time.GetUtcNow();
        var user = new UserRecord
        {
            Id = UserId.New(),
            Username = pending.Username,
            NormalizedUsername = Username.Normalize(pending.Username),
            EmailCipher = protector.Protect(address.Value),
            EmailIndex = emailIndex,
            PasswordHash = pending.PasswordHash,
            CreatedAt = now,
            UpdatedAt = now,
        };

        if (WriteErrors.From(await users.CreateAsync(user, cancellationToken)) is { } conflict)
        {
            return conflict;
        }

        await audit.WriteAsync(new AuditEvent(now, AuditEvents.Registered, user.Id, clientAddress), cancellationToken);
        var tokens = await sessions.StartAsync(user.Id, cancellationToken);
        await audit.WriteAsync(new AuditEvent(now, AuditEvents.SignedIn, user.Id, clientAddress), cancellationToken);
        return new CompletedRegistration(tokens, directory.ToProfile(user));
    }
}

/// <summary>The choices of a pending registration, as they wait (encrypted) inside its code.</summary>
internal sealed record PendingPayload(string Username, string PasswordHash)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
