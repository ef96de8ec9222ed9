using Accounts.Storage;

namespace Accounts.Storage.Tests;

/// <summary>
/// A fresh, empty database (no tables) made for one test, and a way to reach it. Each provider made by
/// <see cref="CreateProvider"/> stands for one process; disposing drops the database and disposes them all.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly Func<StorageProvider> _createProvider;
    private readonly Func<ValueTask> _drop;
    private readonly List<StorageProvider> _providers = [];
    private readonly Lock _gate = new();

    public TestDatabase(Func<StorageProvider> createProvider, Func<ValueTask> drop)
    {
        _createProvider = createProvider;
        _drop = drop;
        Provider = CreateProvider();
    }

    /// <summary>The provider the test's stores use.</summary>
    public StorageProvider Provider { get; }

    /// <summary>Another provider over the same database, as a second process would have.</summary>
    public StorageProvider CreateProvider()
    {
        var provider = _createProvider();
        lock (_gate)
        {
            _providers.Add(provider);
        }

        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _drop();
    }
}
