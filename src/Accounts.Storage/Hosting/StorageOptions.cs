namespace Accounts.Storage.Hosting;

/// <summary>Storage (section <c>Accounts:Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string Section = "Accounts:Storage";

    /// <summary>The engine: <c>sqlite</c> (the embedded default), <c>mysql</c> (MariaDB or MySQL) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>
    /// Apply pending migrations when the host starts. Switch off where the schema is managed apart from the service
    /// (a migrate verb run by the deployment, a DBA): the readiness check then reports a schema that is behind.
    /// </summary>
    public bool MigrateOnStart { get; set; } = true;
}
