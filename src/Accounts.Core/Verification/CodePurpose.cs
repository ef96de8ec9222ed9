namespace Accounts.Core.Verification;

/// <summary>What a verification code proves. A code is good for its own purpose and destination only.</summary>
public enum CodePurpose
{
    Register,
    ChangeContact,
    PasswordReset,
}

public static class CodePurposes
{
    public static string ToWire(this CodePurpose purpose) => purpose switch
    {
        CodePurpose.Register => "register",
        CodePurpose.ChangeContact => "change-contact",
        CodePurpose.PasswordReset => "password-reset",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    public static CodePurpose? FromWire(string? value) => value switch
    {
        "register" => CodePurpose.Register,
        "change-contact" => CodePurpose.ChangeContact,
        "password-reset" => CodePurpose.PasswordReset,
        _ => null,
    };
}
