using System.Text.Json.Serialization;

namespace Accounts.Tcp.Client;

/// <summary>Answer of Login (0x02) and RefreshToken (0x07): <see cref="ExpiresIn"/> is the access token's lifetime in seconds.</summary>
public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn);

/// <summary>Answer of VerifyToken (0x03): <see cref="Sub"/> and <see cref="Exp"/> (Unix seconds) only when active.</summary>
public sealed record TokenInfo(bool Active, string? Sub = null, long? Exp = null)
{
    [JsonIgnore]
    public DateTimeOffset? ExpiresAt => Exp is { } exp ? DateTimeOffset.FromUnixTimeSeconds(exp) : null;
}

/// <summary>Answer of Register (0x01): a code was sent to the email address; finish with VerifyOtp (0x06).</summary>
public sealed record RegistrationPending(string Status, string VerificationId, DateTimeOffset ExpiresAt);

/// <summary>What a user sees of their account; never a password.</summary>
public sealed record UserProfile(
    string Id,
    string Username,
    string? DisplayName,
    string? Email,
    string? Phone,
    string? Image,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Answer of VerifyOtp (0x06): the account exists and is signed in.</summary>
public sealed record SignUpResult(string AccessToken, string RefreshToken, int ExpiresIn, UserProfile User)
{
    [JsonIgnore]
    public TokenPair Tokens => new(AccessToken, RefreshToken, ExpiresIn);
}

/// <summary>
/// The changes of UpdateUser (0x04), as <c>PATCH /v1/users/me</c>: a null property is not sent and leaves the field
/// as it is; <c>""</c> clears <see cref="DisplayName"/> or <see cref="Image"/>. A new email or phone needs
/// <see cref="Code"/>; a new <see cref="Password"/> needs <see cref="CurrentPassword"/>.
/// </summary>
public sealed record ProfileUpdate
{
    public string? DisplayName { get; init; }

    public string? Username { get; init; }

    /// <summary>Plain base64 (no <c>data:</c> prefix).</summary>
    public string? Image { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public string? Code { get; init; }

    public string? Password { get; init; }

    public string? CurrentPassword { get; init; }
}
