namespace Accounts.Tcp.Contracts;

// The payloads of the requests, as documented in docs/protocol.md: read them with TcpJson.Deserialize<T>.
// Every member is nullable: a missing field reaches the use case, whose validation names it.

/// <summary>0x01: the account to create once the code sent to <see cref="Email"/> comes back in <see cref="VerifyOtpRequest"/>.</summary>
public sealed record RegisterRequest(string? Username, string? Email, string? Password);

/// <summary>0x02: <see cref="Login"/> is a username, an email address or a phone number.</summary>
public sealed record LoginRequest(string? Login, string? Password);

/// <summary>0x03.</summary>
public sealed record VerifyTokenRequest(string? Token);

/// <summary>0x04: the access token and the fields of <c>PATCH /v1/users/me</c>; a field that is null or absent is left as it is.</summary>
public sealed record UpdateUserRequest(
    string? Token,
    string? DisplayName = null,
    string? Username = null,
    string? Image = null,
    string? Email = null,
    string? Phone = null,
    string? Code = null,
    string? Password = null,
    string? CurrentPassword = null);

/// <summary>0x05.</summary>
public sealed record DeleteUserRequest(string? Token, string? Password);

/// <summary>0x06: the email address given to <see cref="RegisterRequest"/> and the 6-digit code sent to it.</summary>
public sealed record VerifyOtpRequest(string? Email, string? Otp);

/// <summary>0x07.</summary>
public sealed record RefreshTokenRequest(string? RefreshToken);
