namespace Accounts.Storage;

/// <summary>
/// What a schema check found, for a check verb or a readiness probe. <see cref="Error"/> never holds a connection
/// string or a password.
/// </summary>
/// <param name="Provider">The engine, e.g. <c>sqlite</c>.</param>
/// <param name="Reachable">Whether a connection could be opened.</param>
/// <param name="CurrentVersion">The highest version applied to the database: 0 when none is, null when unknown.</param>
/// <param name="ExpectedVersion">The highest version this build knows.</param>
/// <param name="PendingVersions">The versions this build knows that the database lacks.</param>
/// <param name="Error">Why the database could not be reached or read; null when it could.</param>
public sealed record SchemaStatus(
    string Provider,
    bool Reachable,
    int? CurrentVersion,
    int ExpectedVersion,
    IReadOnlyList<int> PendingVersions,
    string? Error)
{
    /// <summary>
    /// True when the database is reachable and holds exactly the versions this build knows. A database ahead of
    /// the build (a newer release migrated it) is not current either: this build may not understand it.
    /// </summary>
    public bool IsCurrent => Reachable && Error is null && PendingVersions.Count == 0 && CurrentVersion == ExpectedVersion;
}
