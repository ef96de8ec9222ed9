namespace Accounts.Core.Audit;

/// <summary>A security event. It names the user by id only: no email, phone, password or code ever goes in.</summary>
public sealed record AuditEvent(DateTimeOffset At, string Type, string? UserId, string? ClientAddress, string? Detail = null);

/// <summary>The event types written to the audit log.</summary>
public static class AuditEvents
{
    public const string Registered = "registered";
    public const string SignedIn = "signed_in";
    public const string SignInFailed = "sign_in_failed";
    public const string Locked = "locked";
    public const string SignedOut = "signed_out";
    public const string RefreshReused = "refresh_reused";
    public const string PasswordChanged = "password_changed";
    public const string ContactChanged = "contact_changed";
    public const string PasswordResetRequested = "password_reset_requested";
    public const string PasswordReset = "password_reset";
    public const string Deleted = "deleted";
}
