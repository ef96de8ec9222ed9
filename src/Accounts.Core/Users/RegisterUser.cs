using Accounts.Core.Audit;
using Accounts.Core.Errors;
using Accounts.Core.Security;
using Accounts.Core.Services;
using Accounts.Core.Verification;

namespace Accounts.Core.Users;

public sealed record Registration(
    string? Username,
    string? Password,
    string? Code,
    string? Email = null,
    string? Phone = null,
    string? DisplayName = null,
    string? Image = null,
    string? Id = null,
    string? ClientAddress = null);

/// <summary>
/// Creates an account. The code must be a live <c>register</c> code sent to the given email or phone: that is
/// the proof the contact belongs to the person registering.
/// </summary>
public sealed class RegisterUser(
    IUserStore users,
    IPasswordHasher hasher,
    IFieldProtector protector,
    CodeVerifier codes,
    UserDirectory directory,
    IAuditLog audit,
    ProfileOptions profileOptions,
    TimeProvider time)
{
    public async Task<Result<UserProfile>> ExecuteAsync(Registration request, CancellationToken cancellationToken)
    {
        // Every check that costs nothing and reveals nothing comes first; nothing is written until all pass.
        var id = request.Id ?? UserId.New();
        if (UserId.Validate(id) is { } idError)
        {
            return idError;
        }

        var username = Username.Parse(request.Username);
        if (!username.IsSuccess)
        {
            return username.Error!;
        }

        string? displayName = null;
        if (request.DisplayName is not null)
        {
            var parsed = DisplayName.Parse(request.DisplayName);
            if (!parsed.IsSuccess)
            {
                return parsed.Error!;
            }

            displayName = parsed.Value;
        }

        string? email = null, phone = null;
        if (!string.IsNullOrWhiteSpace(request.Email))
        {
            var parsed = EmailAddress.Parse(request.Email);
            if (!parsed.IsSuccess)
            {
                return parsed.Error!;
            }

            email = parsed.Value;
        }

        if (!string.IsNullOrWhiteSpace(request.Phone))
        {
            var parsed = PhoneNumber.Parse(request.Phone);
            if (!parsed.IsSuccess)
            {
                return parsed.Error!;
            }

            phone = parsed.Value;
        }

        if (email is null && phone is null)
        {
            return AccountErrors.Invalid("email", "contact_required", "An email or a phone is required: the code sent to it proves it is yours.");
        }

        // One code proves one contact: a second one would be stored unproven, and could then sign in or squat
        // on its real owner's address. Add it afterwards with a change-contact code.
        if (email is not null && phone is not null)
        {
            return AccountErrors.Invalid("phone", "one_contact_at_a_time", "Register with an email or a phone; add the other later with its own code.");
        }

        byte[]? image = null;
        if (!string.IsNullOrEmpty(request.Image))
        {
            var parsed = ProfileImage.Parse(request.Image, profileOptions.MaxImageBytes);
            if (!parsed.IsSuccess)
            {
                return parsed.Error!;
            }

            image = parsed.Value;
        }

        if (PasswordPolicy.Check(request.Password, username.Value, email, phone) is { } passwordError)
        {
            return passwordError;
        }

        if (string.IsNullOrWhiteSpace(request.Code))
        {
            return AccountErrors.Invalid("code", "code_required", "The verification code sent to the email or phone is required.");
        }

        // Ids and usernames are public; contacts are checked only after the code proves the caller owns one,
        // so registration cannot be used to learn whose address is registered.
        var normalized = Username.Normalize(username.Value);
        if (await users.FindByIdAsync(id, cancellationToken) is not null)
        {
            return AccountErrors.IdTaken;
        }

        if (await users.FindByUsernameAsync(normalized, cancellationToken) is not null)
        {
            return AccountErrors.UsernameTaken;
        }

        var emailIndex = email is null ? null : protector.Email(email);
        var phoneIndex = phone is null ? null : protector.Phone(phone);
        // The code is spent only once the account is stored: a run that dies in between (a worker killed while it
        // hashes) can be run again with the same code. Two runs racing with one code: the unique id, email and phone
        // let one account in, not two.
        var verified = await codes.VerifyAsync(CodePurpose.Register, [emailIndex, phoneIndex], request.Code, cancellationToken);
        if (!verified.IsSuccess)
        {
            return verified.Error!;
        }

        var now = time.GetUtcNow();
        var user = new UserRecord
        {
            Id = id,
            Username = username.Value,
            NormalizedUsername = normalized,
            DisplayName = displayName,
            EmailCipher = email is null ? null : protector.Protect(email),
            EmailIndex = emailIndex,
            PhoneCipher = phone is null ? null : protector.Protect(phone),
            PhoneIndex = phoneIndex,
            Image = image,
            PasswordHash = await hasher.HashAsync(request.Password!, cancellationToken),
            CreatedAt = now,
            UpdatedAt = now,
        };

        var written = await users.CreateAsync(user, cancellationToken);
        if (WriteErrors.From(written) is { } conflict)
        {
            return conflict;
        }

        await codes.ConsumeAsync(verified.Value, cancellationToken);

        await audit.WriteAsync(new AuditEvent(now, AuditEvents.Registered, id, request.ClientAddress), cancellationToken);
        return directory.ToProfile(user);
    }
}
