namespace Accounts.Server.Jobs;

/// <summary>
/// Settings under <c>Accounts:Queues</c>: which of the original system's queues this process works, and how. Read
/// when the host is built (the workers are hosted services), so a bad value stops the process at start.
/// </summary>
public sealed class QueuesOptions
{
    public const string Section = "Accounts:Queues";

    /// <summary>The seven queues of the original deployment, by their Bull names.</summary>
    public static readonly IReadOnlyList<string> All =
        [AccountQueues.Verification, AccountQueues.CreateUser, AccountQueues.ReadUser, AccountQueues.UpdateUser,
         AccountQueues.VerifyUser, AccountQueues.RecoverPassword, AccountQueues.DeleteUser];

    /// <summary>
    /// Comma-separated queue names this process works (<c>Create_User,Read_User</c>), <c>all</c> (the default) or
    /// <c>none</c>. Run one process per queue by giving each its own.
    /// </summary>
    public string Enabled { get; set; } = "all";

    /// <summary>Jobs run at once per queue (the original's 5); <c>Accounts:Queues:Workers:&lt;queue&gt;:Concurrency</c> overrides it.</summary>
    public int Concurrency { get; set; } = 5;

    /// <summary>Bull's key prefix (<c>bull</c>, as the original gateway's default).</summary>
    public string Prefix { get; set; } = "bull";

    /// <summary>
    /// The original gateway's JWT secret (HS256 over <c>{Id}</c>). Unset, the gateway's tokens are refused. Set, a job
    /// bearing one is trusted as the gateway's word that it authenticated the user (see docs/queues.md).
    /// </summary>
    public string? LegacyTokenSecret { get; set; }

    /// <summary>How long a gateway token without <c>exp</c> is accepted after its <c>iat</c>.</summary>
    public TimeSpan LegacyTokenMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether a successful <c>Verify_User</c> also starts a session and returns its tokens in the job's return value (never in a notification).</summary>
    public bool VerifyUserIssuesTokens { get; set; }

    /// <summary>How long the job token minted by <c>POST /v1/jobs/...</c> for a flow before sign-in stays good.</summary>
    public TimeSpan JobTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Attempts of a job added by <c>POST /v1/jobs/...</c> (retries with exponential backoff from 1 s).</summary>
    public int Attempts { get; set; } = 3;

    /// <summary>How long <c>GET /v1/jobs/{queue}/{id}</c> can tell what became of a job once Bull removed it.</summary>
    public TimeSpan StatusRetention { get; set; } = TimeSpan.FromHours(1);

    public IReadOnlyList<string> EnabledQueues()
    {
        var value = Enabled.Trim();
        if (value.Length == 0 || value.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return All;
        }

        if (value.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names)
        {
            if (!All.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"'{name}' is not a queue; use all, none, or some of {string.Join(", ", All)}.", nameof(Enabled));
            }
        }

        return [.. names.Distinct(StringComparer.Ordinal)];
    }

    public void Validate()
    {
        EnabledQueues();
        if (Concurrency is < 1 or > 1000)
        {
            throw new ArgumentException("must be 1 to 1000.", nameof(Concurrency));
        }

        if (string.IsNullOrWhiteSpace(Prefix) || Prefix.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("must be a non-empty word without ':'.", nameof(Prefix));
        }

        if (LegacyTokenSecret is { } secret && secret.Length < 16)
        {
            throw new ArgumentException("must be at least 16 characters when set.", nameof(LegacyTokenSecret));
        }

        if (LegacyTokenMaxAge <= TimeSpan.Zero || LegacyTokenMaxAge > TimeSpan.FromDays(1))
        {
            throw new ArgumentException("must be more than 0 and at most 1 day.", nameof(LegacyTokenMaxAge));
        }

        if (JobTokenLifetime < TimeSpan.FromMinutes(1) || JobTokenLifetime > TimeSpan.FromHours(1))
        {
            throw new ArgumentException("must be between 00:01:00 and 01:00:00.", nameof(JobTokenLifetime));
        }

        if (Attempts is < 1 or > 20)
        {
            throw new ArgumentException("must be 1 to 20.", nameof(Attempts));
        }

        if (StatusRetention <= TimeSpan.Zero || StatusRetention > TimeSpan.FromDays(7))
        {
            throw new ArgumentException("must be more than 0 and at most 7 days.", nameof(StatusRetention));
        }
    }
}

/// <summary>The original deployment's queue names, which are also its notification suffixes.</summary>
public static class AccountQueues
{
    public const string Verification = "Verification";
    public const string CreateUser = "Create_User";
    public const string ReadUser = "Read_User";
    public const string UpdateUser = "Update_User";
    public const string VerifyUser = "Verify_User";
    public const string RecoverPassword = "Recover_Password";
    public const string DeleteUser = "Delete_User";
}
