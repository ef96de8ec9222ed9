using Accounts.Core;
using Accounts.Core.Sessions;
using Accounts.Security;
using Accounts.Storage;
using Accounts.Storage.Sqlite;

namespace Accounts.Benchmarks.Tcp;

/// <summary>
/// The server's own token check, in this process, on what the server left behind once it has stopped: its keys
/// (<c>keys.json</c>) and its SQLite database (<c>accounts.db</c>) in the data directory, and the very token the TCP
/// phases verified. Wired as the server wires it by default: <see cref="JwtAccessTokenService"/> with the default
/// <see cref="TokenOptions"/>, <see cref="AesGcmFieldProtector"/>, the SQLite session store, and
/// <see cref="NoTokenCache"/> (the embedded default has no token cache, so every check reads the session).
/// </summary>
internal sealed class InProcessVerifier : IAsyncDisposable
{
    private readonly AccountStorage _storage;
    private readonly JwtAccessTokenService _tokens;
    private readonly VerifyToken _useCase;
    private readonly string _token;

    private InProcessVerifier(AccountStorage storage, JwtAccessTokenService tokens, VerifyToken useCase, string token)
    {
        _storage = storage;
        _tokens = tokens;
        _useCase = useCase;
        _token = token;
    }

    public static async Task<InProcessVerifier> OpenAsync(string dataDirectory, string token, CancellationToken cancellationToken)
    {
        var database = Path.Combine(dataDirectory, "accounts.db");
        if (!File.Exists(Path.Combine(dataDirectory, KeyRing.FileName)) || !File.Exists(database))
        {
            throw new InvalidOperationException($"{dataDirectory} does not hold the server's {KeyRing.FileName} and accounts.db.");
        }

        var keys = KeyRing.Load(new KeysOptions(), dataDirectory, out _);
        var tokens = new JwtAccessTokenService(keys, new TokenOptions());
        var storage = SqliteStorage.Create(database, TimeProvider.System);
        var verifier = new InProcessVerifier(
            storage,
            tokens,
            new VerifyToken(tokens, storage.Sessions, new NoTokenCache(), new AesGcmFieldProtector(keys), TimeProvider.System),
            token);

        // Both checks must accept the token, or the rates below would be those of a refusal.
        if (await tokens.ValidateAsync(token, TimeProvider.System.GetUtcNow(), cancellationToken) is null
            || !(await verifier._useCase.ExecuteAsync(token, cancellationToken)).Active)
        {
            await verifier.DisposeAsync();
            throw new InvalidOperationException("The server's token does not verify in this process with the server's keys and database.");
        }

        return verifier;
    }

    /// <summary>
    /// <see cref="JwtAccessTokenService.ValidateAsync"/> alone: signature (ES256), kid, typ, issuer, audience and
    /// lifetime. What a VerifyToken costs before its session read when the token is not cached.
    /// </summary>
    public string? ValidateSignature() =>
        _tokens.ValidateAsync(_token, TimeProvider.System.GetUtcNow(), CancellationToken.None).GetAwaiter().GetResult() is null
            ? "invalid"
            : null;

    /// <summary>The whole <see cref="VerifyToken"/> use case: HMAC of the token, cache (none), signature, session read from SQLite.</summary>
    public string? VerifyUseCase() =>
        _useCase.ExecuteAsync(_token, CancellationToken.None).GetAwaiter().GetResult().Active ? null : "inactive";

    public ValueTask DisposeAsync() => _storage.DisposeAsync();
}
