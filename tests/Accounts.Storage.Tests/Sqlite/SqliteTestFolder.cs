namespace Accounts.Storage.Tests.Sqlite;

internal static class SqliteTestFolder
{
    public static string Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), "accounts-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static ValueTask Delete(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
