using System.Security.Cryptography;
using System.Text.Json;

namespace Accounts.Security;

/// <summary>
/// <c>keys.json</c>: the generated keys of a deployment that configures none, in the shape of
/// <see cref="KeysOptions"/> (camelCase). Readable by the service's user only.
/// </summary>
internal static class KeyFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static KeysOptions Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<KeysOptions>(File.ReadAllBytes(path), Json)
                ?? throw new InvalidOperationException($"{path} must hold a JSON object with signing, encryption and indexKey.");
        }
        catch (JsonException e)
        {
            // Position only: the parser's message could quote part of a key.
            throw new InvalidOperationException($"{path} is not valid JSON of the key file's shape (line {e.LineNumber + 1}, at {e.Path ?? "$"}).");
        }
    }

    /// <summary>
    /// Writes <paramref name="keys"/> to <paramref name="path"/> unless a file is already there: into a temporary
    /// file (mode 0600 from its creation) moved into place, so no reader ever sees half a file and two processes
    /// starting at once agree on one set of keys. False when another process's file won.
    /// </summary>
    public static bool TryCreate(string path, KeysOptions keys)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, OwnerReadWrite | UnixFileMode.UserExecute);
        }

        var temp = Path.Combine(directory, $".{KeyRing.FileName}.{Guid.NewGuid():N}.tmp");
        var json = JsonSerializer.SerializeToUtf8Bytes(keys, Json);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerReadWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(json);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                // The create mode is filtered by the umask; this is not.
                File.SetUnixFileMode(temp, OwnerReadWrite);
            }

            try
            {
                File.Move(temp, path, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                return false;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
            File.Delete(temp);
        }
    }
}
