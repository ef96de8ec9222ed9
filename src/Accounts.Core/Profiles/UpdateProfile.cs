using Accounts.Core.Audit;
using Accounts.Core.Errors;
using Accounts.Core.Security;
using Accounts.Core.Services;
using Accounts.Core.Sessions;
using Accounts.Core.Users;
using Accounts.Core.Verification;

namespace Accounts.Core.Profiles;

/// <summary>A partial update: a null field is left as it is; an empty display name or image clears it.</summary>
public sealed record ProfileChanges(
    string? DisplayName = null,
    string? Username = null,
    string? Image = null,
    string? Email = null,
    string? Phone = null,
    string? Code = null,
    string? Password = null,
    string? CurrentPassword = null);

/// <summary>
/// Changes a profile. A new email or phone needs a <c>change-contact</c> code sent to it; a new password needs
/// the current one (unless a trusted gateway vouches for the user), and ends every other session of the user.
/// </summary>
public sealed class UpdateProfile(
    IUserStore users,
    ISessionStore sessions,
    ITokenCache cache,
    IPasswordHasher hasher,
    IFieldProtector protector,
    PasswordGate passwords,
    CodeVerifier codes,
    UserDirectory directory,
    IAuditLog audit,
    ProfileOptions profileOptions,
    TimeProvider time)
{
    public async Task<Result<UserProfile>> ExecuteAsync(AccountPrincipal principal, ProfileChanges changes, string? clientAddress, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(principal.UserId, cancellationToken);
        if (user is null)
        {
            return AccountErrors.UserNotFound;
        }

        var updated = user;
        if (changes.DisplayName is not null)
        {
            var parsed = DisplayName.Parse(changes.DisplayName);
            if (!parsed.IsSuccess)
            {
                return parsed.Error!;
            }

            updated = updated with { DisplayName = parsed.Value };
        }

        if (changes.Username is not null)
        {
            var parsed = Username.Parse(changes.Username);
            if (!parsed.IsSuccess)
            {
                return parsed.Error!;
            }

            var normalized = Username.Normalize(parsed.Value);
            if (normalized != user.NormalizedUsername && await users.FindByUsernameAsync(normalized, cancellationToken) is not null)
            {
                return AccountErrors.UsernameTaken;
            }

            updated = updated with { Username = parsed.Value, NormalizedUsername = normalized };
        }

        if (changes.Image is not null)
        {
            if (changes.Image.Length == 0)
            {
                updated = updated with { Image = null };
            }
            else
            {
                var parsed = ProfileImage.Parse(changes.Image, profileOptions.MaxImageBytes);
                if (!parsed.IsSuccess)
                {
                    return parsed.Error!;
                }

                updated = updated with { Image = parsed.Value };
            }
        }

        var contact = ParseContact(changes, user);
        if (!contact.IsSuccess)
        {
            return contact.Error!;
        }

        if (changes.Password is not null && PasswordPolicy.Check(changes.Password, updated.Username) is { } weak)
        {
            return weak;
        }

        // Proofs last: they spend attempts and codes, so they run only when the request is otherwise good.
        if (changes.Password is not null && !principal.IsVouchedByGateway)
        {
            if (string.IsNullOrEmpty(changes.CurrentPassword))
            {
                return AccountErrors.Invalid("currentPassword", "current_password_required", "The current password is required to set a new one.");
            }

            var wrong = AccountErrors.WrongPassword with { Field = "currentPassword" };
            if (await passwords.CheckAsync(user, changes.CurrentPassword, wrong, clientAddress, cancellationToken) is { } error)
            {
                return error;
            }

        }

        if (changes.Password is not null)
        {
            updated = updated with { PasswordHash = await hasher.HashAsync(changes.Password, cancellationToken) };
        }

        if (contact.Value is { } change)
        {
            if (await codes.VerifyAndConsumeAsync(CodePurpose.ChangeContact, [change.Index], changes.Code, cancellationToken) is { } codeError)
            {
                return codeError;
            }

            var cipher = protector.Protect(change.Value);
            updated = change.IsEmail
                ? updated with { EmailCipher = cipher, EmailIndex = change.Index }
                : updated with { PhoneCipher = cipher, PhoneIndex = change.Index };
        }

        var now = time.GetUtcNow();
        updated = updated with { UpdatedAt = user.NextVersion(now) };
        if (WriteErrors.From(await users.UpdateAsync(updated, user.UpdatedAt, cancellationToken)) is { } writeError)
        {
            return writeError;
        }

        if (changes.Password is not null)
        {
            await sessions.RevokeAllAsync(user.Id, principal.SessionId, now, cancellationToken);
            await cache.DropUserAsync(user.Id, principal.SessionId, now, cancellationToken);
            await audit.WriteAsync(new AuditEvent(now, AuditEvents.PasswordChanged, user.Id, clientAddress), cancellationToken);
        }

        if (contact.Value is { } changed)
        {
            await audit.WriteAsync(new AuditEvent(now, AuditEvents.ContactChanged, user.Id, clientAddress, changed.IsEmail ? "email" : "phone"), cancellationToken);
        }

        return directory.ToProfile(updated);
    }

    /// <summary>The new contact, if the request changes one; a contact equal to the current one is no change.</summary>
    private Result<ContactChange?> ParseContact(ProfileChanges changes, UserRecord user)
    {
        var hasEmail = !string.IsNullOrWhiteSpace(changes.Email);
        var hasPhone = !string.IsNullOrWhiteSpace(changes.Phone);
        if (hasEmail && hasPhone)
        {
            return AccountErrors.Invalid("phone", "one_contact_at_a_time", "Change the email and the phone in separate requests: each needs its own code.");
        }

        if (!hasEmail && !hasPhone)
        {
            return Result<ContactChange?>.Success(null);
        }

        var parsed = hasEmail ? EmailAddress.Parse(changes.Email) : PhoneNumber.Parse(changes.Phone);
        if (!parsed.IsSuccess)
        {
            return parsed.Error!;
        }

        var index = hasEmail ? protector.Email(parsed.Value) : protector.Phone(parsed.Value);
        if (index == (hasEmail ? user.EmailIndex : user.PhoneIndex))
        {
            return Result<ContactChange?>.Success(null);
        }

        if (string.IsNullOrWhiteSpace(changes.Code))
        {
            return AccountErrors.Invalid("code", "code_required", "A new email or phone needs the change-contact code sent to it.");
        }

        return new ContactChange(hasEmail, parsed.Value, index);
    }

    private sealed record ContactChange(bool IsEmail, string Value, string Index);
}
