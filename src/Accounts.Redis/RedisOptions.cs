using System.Globalization;
using System.Net;
using System.Text;

namespace Accounts.Redis;

/// <summary>
/// Where the server is and how patient to be. Usually read from one configuration string (see <see cref="Parse"/>),
/// e.g. <c>Accounts__Redis=127.0.0.1:6379</c> or <c>redis.internal:6380,password=...,db=2,commandTimeout=2000</c>.
/// </summary>
public sealed class RedisOptions
{
    private static readonly string[] Keys =
        ["password", "user", "db", "name", "connectTimeout", "commandTimeout", "reconnectBaseDelay", "reconnectMaxDelay"];

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 6379;

    /// <summary>ACL user name for <c>AUTH user password</c>; null sends <c>AUTH password</c> (the default user).</summary>
    public string? User { get; set; }

    /// <summary>Sent with AUTH on every new connection; null sends no AUTH.</summary>
    public string? Password { get; set; }

    /// <summary>Selected with SELECT on every new connection (pub/sub ignores it).</summary>
    public int Database { get; set; }

    /// <summary>Set with CLIENT SETNAME on every connection, so that CLIENT LIST shows who is who; no spaces.</summary>
    public string? ClientName { get; set; }

    /// <summary>Limit for opening a connection: TCP connect, AUTH, SELECT and a PING.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a command waits for a connection when there is none, and then how long it waits for its reply
    /// (plus the command's own block time on a dedicated connection).
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Delay before the second reconnection attempt; it doubles on each failure (with jitter) up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary><c>host:port</c>, with an IPv6 host in brackets.</summary>
    public string Endpoint => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>
    /// Reads <c>host[:port][,key=value]...</c>: the endpoint (port 6379 when left out, an IPv6 address in brackets:
    /// <c>[::1]:6379</c>) then optional <c>password</c>, <c>user</c>, <c>db</c>, <c>name</c> and, in milliseconds,
    /// <c>connectTimeout</c>, <c>commandTimeout</c>, <c>reconnectBaseDelay</c>, <c>reconnectMaxDelay</c>. Keys ignore
    /// case; a value cannot contain a comma (set <see cref="Password"/> directly for such a password). Error messages
    /// never repeat the password.
    /// </summary>
    /// <exception cref="FormatException">The string is malformed; the message names the part at fault.</exception>
    public static RedisOptions Parse(string configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new RedisOptions();
        var sawEndpoint = false;
        var parts = configuration.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var index = 0; index < parts.Length; index++)
        {
            var part = parts[index];
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                if (sawEndpoint)
                {
                    throw new FormatException("The Redis configuration names more than one endpoint; only one host:port is supported.");
                }

                options.SetEndpoint(part);
                sawEndpoint = true;
                continue;
            }

            var key = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            var known = Array.Find(Keys, k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
                ?? throw new FormatException(
                    // The key is not repeated: after a password that contains a comma it would be part of the password.
                    $"Part {index + 1} of the Redis configuration is not a known option; known options: {string.Join(", ", Keys)}.");
            switch (known)
            {
                case "password":
                    options.Password = value;
                    break;
                case "user":
                    options.User = value;
                    break;
                case "db":
                    options.Database = ParseInt(known, value);
                    break;
                case "name":
                    options.ClientName = value;
                    break;
                case "connectTimeout":
                    options.ConnectTimeout = ParseMilliseconds(known, value);
                    break;
                case "commandTimeout":
                    options.CommandTimeout = ParseMilliseconds(known, value);
                    break;
                case "reconnectBaseDelay":
                    options.ReconnectBaseDelay = ParseMilliseconds(known, value);
                    break;
                default:
                    options.ReconnectMaxDelay = ParseMilliseconds(known, value);
                    break;
            }
        }

        if (!sawEndpoint)
        {
            throw new FormatException("The Redis configuration has no endpoint; expected host:port, e.g. 127.0.0.1:6379.");
        }

        options.Validate();
        return options;
    }

    /// <summary>Checks every setting; the message names the one at fault.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(Host), nameof(Host), "must not be empty");
        Require(Port is > 0 and <= 65535, nameof(Port), "must be between 1 and 65535");
        Require(Database >= 0, nameof(Database), "must not be negative");
        Require(ClientName is null || (ClientName.Length > 0 && !ClientName.Any(c => c <= ' ' || c > '~')), nameof(ClientName), "must be printable ASCII without spaces");
        Require(Password is null || User is null || User.Length > 0, nameof(User), "must not be empty");
        Require(ConnectTimeout > TimeSpan.Zero, nameof(ConnectTimeout), "must be positive");
        Require(CommandTimeout > TimeSpan.Zero, nameof(CommandTimeout), "must be positive");
        Require(ReconnectBaseDelay > TimeSpan.Zero, nameof(ReconnectBaseDelay), "must be positive");
        Require(ReconnectMaxDelay >= ReconnectBaseDelay, nameof(ReconnectMaxDelay), "must not be shorter than ReconnectBaseDelay");
    }

    /// <summary>The configuration string for these options, with the password hidden.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Endpoint);
        if (Password is not null)
        {
            text.Append(",password=***");
        }

        AppendIf(User is not null, "user", User);
        AppendIf(Database != 0, "db", Database.ToString(CultureInfo.InvariantCulture));
        AppendIf(ClientName is not null, "name", ClientName);
        text.Append(CultureInfo.InvariantCulture, $",connectTimeout={ConnectTimeout.TotalMilliseconds},commandTimeout={CommandTimeout.TotalMilliseconds}");
        text.Append(CultureInfo.InvariantCulture, $",reconnectBaseDelay={ReconnectBaseDelay.TotalMilliseconds},reconnectMaxDelay={ReconnectMaxDelay.TotalMilliseconds}");
        return text.ToString();

        void AppendIf(bool condition, string key, string? value)
        {
            if (condition)
            {
                text.Append(',').Append(key).Append('=').Append(value);
            }
        }
    }

    internal RedisOptions Clone() => (RedisOptions)MemberwiseClone();

    private void SetEndpoint(string endpoint)
    {
        string host;
        string? port = null;
        if (endpoint.StartsWith('['))
        {
            var close = endpoint.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < endpoint.Length && endpoint[close + 1] != ':'))
            {
                throw new FormatException("The Redis endpoint is malformed; expected [IPv6 address]:port.");
            }

            host = endpoint[1..close];
            port = close + 1 < endpoint.Length ? endpoint[(close + 2)..] : null;
        }
        else if (IPAddress.TryParse(endpoint, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            host = endpoint;
        }
        else
        {
            var colon = endpoint.LastIndexOf(':');
            host = colon < 0 ? endpoint : endpoint[..colon];
            port = colon < 0 ? null : endpoint[(colon + 1)..];
        }

        if (host.Length == 0)
        {
            throw new FormatException("The Redis endpoint has no host; expected host:port.");
        }

        Host = host;
        if (port is not null)
        {
            Port = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= 65535
                ? number
                : throw new FormatException("The Redis endpoint has an invalid port; expected a number from 1 to 65535.");
        }
    }

    private static int ParseInt(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"The Redis option '{key}' must be a non-negative integer, not '{value}'.");

    private static TimeSpan ParseMilliseconds(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? TimeSpan.FromMilliseconds(number)
            : throw new FormatException($"The Redis option '{key}' must be a positive number of milliseconds, not '{value}'.");

    private static void Require(bool condition, string setting, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"RedisOptions.{setting} {rule}.", setting);
        }
    }
}
