namespace Accounts.Core.Errors;

/// <summary>
/// Every expected failure, with the stable code clients can rely on. Codes never change meaning;
/// messages may be reworded.
/// </summary>
public static class AccountErrors
{
    public static Error Invalid(string field, string code, string message) =>
        new(code, message, ErrorKind.Validation) { Field = field };

    public static Error CodeInvalid { get; } =
        new("invalid_code", "The verification code is incorrect or has expired.", ErrorKind.Validation) { Field = "code" };

    public static Error CodeAttemptsExhausted { get; } =
        new("code_attempts_exhausted", "Too many wrong codes: request a new verification code.", ErrorKind.Validation) { Field = "code" };

    public static Error InvalidCredentials { get; } =
        new("invalid_credentials", "The login or the password is incorrect.", ErrorKind.Unauthorized);

    public static Error WrongPassword { get; } =
        new("wrong_password", "The password is incorrect.", ErrorKind.Unauthorized) { Field = "password" };

    public static Error InvalidToken { get; } =
        new("invalid_token", "The token is invalid, expired or revoked.", ErrorKind.Unauthorized);

    public static Error InvalidRefreshToken { get; } =
        new("invalid_refresh_token", "The refresh token is invalid, expired or already used.", ErrorKind.Unauthorized);

    public static Error UserNotFound { get; } =
        new("user_not_found", "The user does not exist.", ErrorKind.NotFound);

    public static Error IdTaken { get; } =
        new("id_taken", "A user with this id already exists.", ErrorKind.Conflict) { Field = "id" };

    public static Error UsernameTaken { get; } =
        new("username_taken", "This username is taken.", ErrorKind.Conflict) { Field = "username" };

    public static Error EmailTaken { get; } =
        new("email_taken", "This email address belongs to another account.", ErrorKind.Conflict) { Field = "email" };

    public static Error PhoneTaken { get; } =
        new("phone_taken", "This phone number belongs to another account.", ErrorKind.Conflict) { Field = "phone" };

    public static Error ConcurrentUpdate { get; } =
        new("concurrent_update", "The account changed while this request ran: read it again and retry.", ErrorKind.Conflict);

    public static Error AccountLocked(TimeSpan retryAfter) =>
        new("account_locked", "Too many failed sign-ins: the account is locked for a while.", ErrorKind.Locked) { RetryAfter = retryAfter };

    public static Error TooManyCodes(TimeSpan retryAfter) =>
        new("too_many_codes", "Too many codes were requested: try again later.", ErrorKind.RateLimited) { RetryAfter = retryAfter };
}
