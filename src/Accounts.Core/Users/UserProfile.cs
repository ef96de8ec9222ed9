namespace Accounts.Core.Users;

/// <summary>What a user may see of their own account. There is no password here, by construction.</summary>
public sealed record UserProfile(
    string Id,
    string Username,
    string? DisplayName,
    string? Email,
    string? Phone,
    string? Image,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
