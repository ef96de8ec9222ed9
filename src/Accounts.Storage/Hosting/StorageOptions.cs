namespace Accounts.Storage.Hosting;

/// <summary>Storage (section <c>Accounts:Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Accounts:Storage";

    /// <summary>
    /// Apply pending migrations when the host starts. Switch off where the schema is managed apart from the service
    /// (a migrate verb run by the deployment, a DBA): the readiness check then reports a schema that is behind.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;
}
