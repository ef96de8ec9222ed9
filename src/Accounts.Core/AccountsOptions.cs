namespace Accounts.Core;

/// <summary>Verification codes (section <c>Accounts:Codes</c>).</summary>
public sealed class CodeOptions
{
    public const string Section = "Accounts:Codes";

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Comparisons allowed per code, the right one included.</summary>
    public int MaxAttempts { get; set; } = 5;

    public int PerDestinationLimit { get; set; } = 5;

    public TimeSpan PerDestinationWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Codes one client address may request per window: high enough for an office behind one address.</summary>
    public int PerAddressLimit { get; set; } = 100;

    public TimeSpan PerAddressWindow { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Sign-in lockout (section <c>Accounts:Lockout</c>).</summary>
public sealed class LockoutOptions
{
    public const string Section = "Accounts:Lockout";

    /// <summary>Consecutive failures that lock the account.</summary>
    public int Threshold { get; set; } = 10;

    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>Access and refresh tokens (section <c>Accounts:Tokens</c>).</summary>
public sealed class TokenOptions
{
    public const string Section = "Accounts:Tokens";

    public string Issuer { get; set; } = "accounts";

    public string Audience { get; set; } = "accounts";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Each refresh token is good for this long after it is issued, within its session's lifetime.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>A session (a sign-in and its refresh tokens) ends this long after the sign-in, whatever the refreshes.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>Profiles (section <c>Accounts:Profile</c>).</summary>
public sealed class ProfileOptions
{
    public const string Section = "Accounts:Profile";

    public int MaxImageBytes { get; set; } = 1024 * 1024;
}
