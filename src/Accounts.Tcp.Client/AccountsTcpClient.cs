namespace Accounts.Tcp.Client;

/// <summary>
/// A client for the Accounts TCP protocol (docs/protocol.md). One instance keeps one connection and is safe to
/// share: concurrent calls are pipelined on it (written in the order they are made, answered in that order by the
/// server, matched first-in first-out). If the connection drops, calls in flight fail with
/// <see cref="TcpConnectionException"/> and the next call opens a new one.
/// <para>
/// The typed calls return the answer's payload and throw <see cref="TcpProtocolException"/> (status, stable code,
/// message) for any error status; <see cref="SendAsync(byte, object?, CancellationToken)"/> returns every response
/// as it is. Cancelling a call stops waiting for it; a request already written is not recalled, so its effect may
/// still happen.
/// </para>
/// </summary>
public sealed class AccountsTcpClient : IAsyncDisposable
{
    private readonly AccountsTcpClientOptions _options;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ClientConnection? _connection;
    private volatile bool _disposed;

    public AccountsTcpClient(AccountsTcpClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    public AccountsTcpClient(string host, int port)
        : this(new AccountsTcpClientOptions { Host = host, Port = port })
    {
    }

    /// <summary>Whether a connection is open now (the next call opens one if not).</summary>
    public bool IsConnected => Volatile.Read(ref _connection) is { IsAlive: true };

    /// <summary>Opens the connection now rather than on the first call (to fail fast on a wrong address).</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default) => await GetConnectionAsync(cancellationToken);

    /// <summary>Sends <paramref name="payload"/> serialized as camelCase JSON (null: an empty payload, valid for Ping only) and returns the response, whatever its status.</summary>
    public Task<TcpResponse> SendAsync(byte type, object? payload, CancellationToken cancellationToken = default) =>
        SendRawAsync(type, ClientJson.Serialize(payload), cancellationToken);

    public Task<TcpResponse> SendAsync(TcpRequestType type, object? payload, CancellationToken cancellationToken = default) =>
        SendAsync((byte)type, payload, cancellationToken);

    /// <summary>Sends a payload that is already UTF-8 JSON (or anything at all: the server judges it) and returns the response.</summary>
    public async Task<TcpResponse> SendRawAsync(byte type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (payload.Length + 1 > _options.MaxRequestBytes)
        {
            throw new ArgumentException($"The request would be {payload.Length + 1} bytes; the limit (MaxRequestBytes) is {_options.MaxRequestBytes}.", nameof(payload));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var request = new Outgoing(type, payload);
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static (state, token) => ((Outgoing)state!).Cancel(token), request)
            : default;

        // A connection found dead before the request entered it never sent it: one new connection is tried.
        for (var attempt = 0; ; attempt++)
        {
            var connection = await GetConnectionAsync(cancellationToken);
            if (connection.TrySend(request))
            {
                break;
            }

            if (attempt == 1)
            {
                throw new TcpConnectionException("The connection to the server failed before the request was sent.", mayHaveExecuted: false);
            }
        }

        return await request.Task;
    }

    /// <summary>0x08: the server's clock.</summary>
    public async Task<DateTimeOffset> PingAsync(CancellationToken cancellationToken = default)
    {
        var response = (await SendAsync(TcpRequestType.Ping, null, cancellationToken)).EnsureSuccess();
        return DateTimeOffset.FromUnixTimeMilliseconds(response.Payload.GetProperty("pong").GetInt64());
    }

    /// <summary>0x01: sends a registration code to <paramref name="email"/>; finish with <see cref="VerifyOtpAsync"/>.</summary>
    public Task<RegistrationPending> RegisterAsync(string username, string email, string password, CancellationToken cancellationToken = default) =>
        CallAsync<RegistrationPending>(TcpRequestType.Register, new { username, email, password }, cancellationToken);

    /// <summary>0x02: signs in with a username, email or phone.</summary>
    public Task<TokenPair> LoginAsync(string login, string password, CancellationToken cancellationToken = default) =>
        CallAsync<TokenPair>(TcpRequestType.Login, new { login, password }, cancellationToken);

    /// <summary>0x03: whether an access token is active; an invalid token is an answer (<c>Active</c> false), not an error.</summary>
    public Task<TokenInfo> VerifyTokenAsync(string token, CancellationToken cancellationToken = default) =>
        CallAsync<TokenInfo>(TcpRequestType.VerifyToken, new { token }, cancellationToken);

    /// <summary>0x04: changes the profile of the token's user and returns it.</summary>
    public Task<UserProfile> UpdateUserAsync(string token, ProfileUpdate changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return CallAsync<UserProfile>(
            TcpRequestType.UpdateUser,
            new
            {
                token,
                changes.DisplayName,
                changes.Username,
                changes.Image,
                changes.Email,
                changes.Phone,
                changes.Code,
                changes.Password,
                changes.CurrentPassword,
            },
            cancellationToken);
    }

    /// <summary>0x05: deletes the token's user after checking the password.</summary>
    public async Task DeleteUserAsync(string token, string password, CancellationToken cancellationToken = default) =>
        (await SendAsync(TcpRequestType.DeleteUser, new { token, password }, cancellationToken)).EnsureSuccess();

    /// <summary>0x06: completes a registration with the code sent to <paramref name="email"/>; the new user is signed in.</summary>
    public Task<SignUpResult> VerifyOtpAsync(string email, string otp, CancellationToken cancellationToken = default) =>
        CallAsync<SignUpResult>(TcpRequestType.VerifyOtp, new { email, otp }, cancellationToken);

    /// <summary>0x07: trades a refresh token (spent by this call) for a new pair.</summary>
    public Task<TokenPair> RefreshTokenAsync(string refreshToken, CancellationToken cancellationToken = default) =>
        CallAsync<TokenPair>(TcpRequestType.RefreshToken, new { refreshToken }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _connecting.WaitAsync();
        try
        {
            if (_connection is { } connection)
            {
                _connection = null;
                await connection.DisposeAsync();
            }
        }
        finally
        {
            _connecting.Release();
        }
    }

    private async Task<T> CallAsync<T>(TcpRequestType type, object payload, CancellationToken cancellationToken) =>
        (await SendAsync(type, payload, cancellationToken)).EnsureSuccess().Deserialize<T>();

    private async ValueTask<ClientConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is { IsAlive: true } current && !current.IsIdleFor(_options.IdleTimeout))
        {
            return current;
        }

        await _connecting.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is { IsAlive: true } alive && !alive.IsIdleFor(_options.IdleTimeout))
            {
                return alive;
            }

            if (_connection is { } stale)
            {
                // Dead, or idle long enough that the server may be closing it right now.
                await stale.DisposeAsync();
            }

            var fresh = await ClientConnection.ConnectAsync(_options, cancellationToken);
            Volatile.Write(ref _connection, fresh);
            return fresh;
        }
        finally
        {
            _connecting.Release();
        }
    }
}
