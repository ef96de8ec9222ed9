namespace Accounts.Delivery.Smtp;

/// <summary>The SMTP relay that delivers email (section <c>Accounts:Smtp</c>); unset Host keeps email in the outbox.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Accounts:Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address, e.g. <c>Accounts &lt;no-reply@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    /// <summary>Upgrade the connection with STARTTLS before sending (and before any credentials cross the wire).</summary>
    public bool StartTls { get; set; } = true;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    /// <summary>What is wrong with the settings, naming the setting; null when they can be used.</summary>
    public string? Validate()
    {
        if (!Enabled)
        {
            return null;
        }

        if (Port is < 1 or > 65535)
        {
            return $"{Section}:Port must be between 1 and 65535.";
        }

        if (string.IsNullOrWhiteSpace(From))
        {
            return $"{Section}:From must be set when {Section}:Host is.";
        }

        try
        {
            _ = new System.Net.Mail.MailAddress(From);
        }
        catch (FormatException)
        {
            return $"{Section}:From is not an email address.";
        }

        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            return $"{Section}:Username and {Section}:Password go together.";
        }

        if (!StartTls && !string.IsNullOrEmpty(Password))
        {
            return $"{Section}:StartTls must stay on when a password is configured: it would cross the network in clear.";
        }

        return Timeout > TimeSpan.Zero ? null : $"{Section}:Timeout must be positive.";
    }
}
