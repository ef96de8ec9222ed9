using Accounts.Core.Security;
using Accounts.Core.Users;

namespace Accounts.Core.Services;

/// <summary>Finds users by what a person types to sign in, and shows a stored user as a profile.</summary>
public sealed class UserDirectory(IUserStore users, IFieldProtector protector)
{
    /// <summary>A login is an email (it holds '@'), a phone in international form, or else a username.</summary>
    public async Task<UserRecord?> FindByLoginAsync(string? login, CancellationToken cancellationToken)
    {
        login = login?.Trim();
        if (string.IsNullOrEmpty(login) || login.Length > EmailAddress.MaxLength)
        {
            return null;
        }

        if (login.Contains('@', StringComparison.Ordinal))
        {
            var email = EmailAddress.Parse(login);
            return email.IsSuccess ? await users.FindByEmailIndexAsync(protector.Email(email.Value), cancellationToken) : null;
        }

        if (PhoneNumber.LooksLikePhone(login))
        {
            return await users.FindByPhoneIndexAsync(protector.Phone(PhoneNumber.Parse(login).Value), cancellationToken);
        }

        var username = Username.Parse(login);
        return username.IsSuccess ? await users.FindByUsernameAsync(Username.Normalize(username.Value), cancellationToken) : null;
    }

    public Task<UserRecord?> FindByIdAsync(string userId, CancellationToken cancellationToken) => users.FindByIdAsync(userId, cancellationToken);

    public UserProfile ToProfile(UserRecord user) => new(
        user.Id,
        user.Username,
        user.DisplayName,
        user.EmailCipher is null ? null : protector.Unprotect(user.EmailCipher),
        user.PhoneCipher is null ? null : protector.Unprotect(user.PhoneCipher),
        user.Image is null ? null : Convert.ToBase64String(user.Image),
        ToMilliseconds(user.CreatedAt),
        ToMilliseconds(user.UpdatedAt));

    // Stores keep milliseconds: a profile answered straight after a write must look like one read back later.
    private static DateTimeOffset ToMilliseconds(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());
}
