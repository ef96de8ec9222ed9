using Accounts.Core.Errors;
using Accounts.Core.Services;
using Accounts.Core.Users;

namespace Accounts.Core.Profiles;

/// <summary>Shows a user their own profile: never their password, in any form.</summary>
public sealed class ReadProfile(IUserStore users, UserDirectory directory)
{
    public async Task<Result<UserProfile>> ExecuteAsync(string userId, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(userId, cancellationToken) is { } user
            ? directory.ToProfile(user)
            : AccountErrors.UserNotFound;
}
