using System.Text.Json.Serialization;
using Accounts.Core.Services;
using Accounts.Core.Sessions;
using Accounts.Core.Users;

namespace Accounts.Tcp.Contracts;

// The payloads of successful responses, as documented in docs/protocol.md: pass them to TcpReply.Ok.

/// <summary>0x01: a code was sent; the registration completes with 0x06 VerifyOtp.</summary>
public sealed record RegistrationPendingReply(string VerificationId, DateTimeOffset ExpiresAt)
{
    public string Status => "pending";
}

/// <summary>0x02 and 0x07: <see cref="ExpiresIn"/> is the access token's lifetime in seconds.</summary>
public sealed record TokenPairReply(string AccessToken, string RefreshToken, int ExpiresIn)
{
    public static TokenPairReply From(TokenPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        return new(pair.AccessToken, pair.RefreshToken, pair.ExpiresIn);
    }
}

/// <summary>0x03, RFC 7662's core members as the HTTP introspection route: <c>exp</c> in seconds since the Unix epoch; <c>sub</c> and <c>exp</c> only when active.</summary>
public sealed record TokenStatusReply(
    bool Active,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sub = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Exp = null)
{
    public static TokenStatusReply From(TokenStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.Active ? new(true, status.Subject, status.ExpiresAt?.ToUnixTimeSeconds()) : new(false);
    }
}

/// <summary>0x06: the new user is signed in at once.</summary>
public sealed record SignUpReply(string AccessToken, string RefreshToken, int ExpiresIn, UserProfile User)
{
    public static SignUpReply From(TokenPair pair, UserProfile user)
    {
        ArgumentNullException.ThrowIfNull(pair);
        return new(pair.AccessToken, pair.RefreshToken, pair.ExpiresIn, user);
    }
}

/// <summary>0x08: the server's clock in milliseconds since the Unix epoch.</summary>
public sealed record PongReply(long Pong);
