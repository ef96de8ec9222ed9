// Compiled into Accounts.Tcp and Accounts.Tcp.Client: the request types have one definition.
#if ACCOUNTS_TCP_CLIENT
namespace Accounts.Tcp.Client;
#else
namespace Accounts.Tcp;
#endif

/// <summary>The type byte of a request frame. A response carries the request's type with the high bit set (<c>| 0x80</c>).</summary>
public enum TcpRequestType : byte
{
    /// <summary><c>{username, email, password}</c>: sends a registration code to the email address.</summary>
    Register = 0x01,

    /// <summary><c>{login, password}</c>: signs in.</summary>
    Login = 0x02,

    /// <summary><c>{token}</c>: tells whether an access token is active.</summary>
    VerifyToken = 0x03,

    /// <summary><c>{token, ...changes}</c>: changes the profile.</summary>
    UpdateUser = 0x04,

    /// <summary><c>{token, password}</c>: deletes the account.</summary>
    DeleteUser = 0x05,

    /// <summary><c>{email, otp}</c>: completes a registration with the code and signs the new user in.</summary>
    VerifyOtp = 0x06,

    /// <summary><c>{refreshToken}</c>: trades a refresh token for a new pair.</summary>
    RefreshToken = 0x07,

    /// <summary><c>{}</c> or an empty payload: answers <c>{pong: unix ms}</c>.</summary>
    Ping = 0x08,
}
