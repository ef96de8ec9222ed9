namespace Accounts.Server.Hosting;

/// <summary>Where the service keeps its files (section <c>Accounts</c>).</summary>
public sealed class ServerOptions
{
    public const string Section = "Accounts";

    /// <summary>SQLite database, generated keys and the outbox live here; a relative path is taken from the working directory.</summary>
    public string DataDirectory { get; set; } = "./data";

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);

    /// <summary>Whether keys come from configuration rather than from the data directory (set at binding, not a setting).</summary>
    internal bool KeysConfigured { get; set; }
}
