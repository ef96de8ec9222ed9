using Accounts.Security;

namespace Accounts.Benchmarks.Micro;

/// <summary>
/// Fresh keys generated the way a deployment without configured keys gets them (<c>keys.json</c> through
/// <see cref="KeyRing.Load"/>), in a temporary directory removed on dispose.
/// </summary>
internal sealed class KeyDirectory : IDisposable
{
    private readonly string _path;

    private KeyDirectory(string path, KeyRing ring)
    {
        _path = path;
        Ring = ring;
    }

    public KeyRing Ring { get; }

    public static KeyDirectory Create()
    {
        var path = Directory.CreateTempSubdirectory("accounts-bench-keys-").FullName;
        try
        {
            return new KeyDirectory(path, KeyRing.Load(new KeysOptions(), path, out _));
        }
        catch
        {
            Directory.Delete(path, recursive: true);
            throw;
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }
}
