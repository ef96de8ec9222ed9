using System.Net;

namespace Accounts.Server.Http;

/// <summary>How the service sits behind proxies (section <c>Accounts:Http</c>).</summary>
public sealed class HttpOptions
{
    public const string Section = "Accounts:Http";

    /// <summary>
    /// Addresses of reverse proxies whose X-Forwarded-For is believed. Empty (the default): the connection's own
    /// address is the client's, and the header is ignored, so nobody can pick the address rate limits count against.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    public IEnumerable<IPAddress> ParsedProxies() => TrustedProxies.Select(IPAddress.Parse);
}
