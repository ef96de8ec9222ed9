namespace Accounts.Core.Users;

/// <summary>Persistence of users. Implementations enforce uniqueness of id, normalized username, email index and phone index.</summary>
public interface IUserStore
{
    Task<UserRecord?> FindByIdAsync(string id, CancellationToken cancellationToken);

    Task<UserRecord?> FindByUsernameAsync(string normalizedUsername, CancellationToken cancellationToken);

    Task<UserRecord?> FindByEmailIndexAsync(string emailIndex, CancellationToken cancellationToken);

    Task<UserRecord?> FindByPhoneIndexAsync(string phoneIndex, CancellationToken cancellationToken);

    /// <summary>Inserts the user; a uniqueness violation is reported, not thrown.</summary>
    Task<UserWriteResult> CreateAsync(UserRecord user, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces every field of the user with this id, provided its stored <see cref="UserRecord.UpdatedAt"/> is still
    /// <paramref name="expectedUpdatedAt"/> (the version the caller read): <see cref="UserWriteResult.Stale"/> when
    /// another write came first, so that no update silently undoes another (a password change, say);
    /// <see cref="UserWriteResult.NotFound"/> when no user has this id.
    /// </summary>
    Task<UserWriteResult> UpdateAsync(UserRecord user, DateTimeOffset expectedUpdatedAt, CancellationToken cancellationToken);

    /// <summary>Deletes the user with its sessions, refresh tokens and lockout state; false when no row matched.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}

public enum UserWriteResult
{
    Success,
    NotFound,
    DuplicateId,
    DuplicateUsername,
    DuplicateEmail,
    DuplicatePhone,

    /// <summary>The user changed since the caller read it; nothing was written.</summary>
    Stale,
}
