namespace Accounts.Core.Users;

/// <summary>
/// A user as stored. Email and phone are held only as ciphertext (<see cref="Security.IFieldProtector.Protect"/>)
/// next to their blind index, which is what uniqueness and look-ups use.
/// </summary>
public sealed record UserRecord
{
    public required string Id { get; init; }
    public required string Username { get; init; }
    public required string NormalizedUsername { get; init; }
    public string? DisplayName { get; init; }
    public string? EmailCipher { get; init; }
    public string? EmailIndex { get; init; }
    public string? PhoneCipher { get; init; }
    public string? PhoneIndex { get; init; }
    public byte[]? Image { get; init; }
    public required string PasswordHash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// The time to stamp a change of this user with: <paramref name="now"/>, or just after the current stamp if the
    /// clock has not moved past it, so each write gives the row a new version (stores keep milliseconds).
    /// </summary>
    public DateTimeOffset NextVersion(DateTimeOffset now)
    {
        var next = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        return next > UpdatedAt ? next : UpdatedAt.AddMilliseconds(1);
    }
}
