namespace Accounts.Storage.Tests;

/// <summary>A test database on a server engine, with what engine-specific tests need besides the providers.</summary>
/// <param name="Name">The database's name on the server.</param>
/// <param name="ConnectionString">The admin connection string pointed at this database.</param>
/// <param name="Database">The providers over it; disposing it drops the database.</param>
internal sealed record ServerTestDatabase(string Name, string ConnectionString, TestDatabase Database);
