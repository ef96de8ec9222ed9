using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Accounts.Tcp;

public static class TcpKestrelExtensions
{
    /// <summary>
    /// Listens for the TCP door on <see cref="TcpOptions.Address"/>:<see cref="TcpOptions.Port"/> (127.0.0.1:3001 by
    /// default), next to HTTP in the same Kestrel server; does nothing and returns null when the port is 0.
    /// <para>
    /// Kestrel ignores the URLs (<c>UseUrls</c>, <c>ASPNETCORE_URLS</c>, <c>--urls</c>) as soon as one endpoint is
    /// configured in code: bind the HTTP URLs with <see cref="ListenUrls"/> in the same callback.
    /// </para>
    /// </summary>
    public static ListenOptions? ListenAccountsTcp(this KestrelServerOptions kestrel, TcpOptions options)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } failure)
        {
            throw new InvalidOperationException(failure);
        }

        if (!options.Enabled)
        {
            return null;
        }

        ListenOptions? listen = null;
        kestrel.Listen(options.EndPoint, o =>
        {
            o.UseAccountsTcp();
            listen = o;
        });
        return listen;
    }

    /// <summary>Serves the TCP door on this endpoint (which then speaks no HTTP).</summary>
    public static ListenOptions UseAccountsTcp(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.UseConnectionHandler<AccountsConnectionHandler>();
        return listen;
    }

    /// <summary>
    /// Binds HTTP to each of <paramref name="urls"/> (separated by <c>;</c>, as <c>ASPNETCORE_URLS</c>) the way
    /// Kestrel binds URLs itself: an IP address, <c>localhost</c> (both loopbacks), or any other host (<c>*</c>,
    /// <c>+</c>, a name) for every address; <c>https</c> with the default certificate. Needed because an endpoint
    /// configured in code, such as the TCP door's, makes Kestrel ignore the URLs.
    /// </summary>
    public static void ListenUrls(this KestrelServerOptions kestrel, string urls)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentException.ThrowIfNullOrWhiteSpace(urls);
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var address = BindingAddress.Parse(url);
            var https = string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase);
            if (!https && !string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"'{url}' is not an http or https URL.");
            }

            if (!string.IsNullOrEmpty(address.PathBase))
            {
                throw new InvalidOperationException($"'{url}' has a path; a URL to listen on cannot.");
            }

            Action<ListenOptions> configure = https ? o => o.UseHttps() : _ => { };
            if (address.IsUnixPipe)
            {
                kestrel.ListenUnixSocket(address.UnixPipePath, configure);
            }
            else if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                kestrel.ListenLocalhost(address.Port, configure);
            }
            else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
            {
                kestrel.Listen(ip, address.Port, configure);
            }
            else
            {
                kestrel.ListenAnyIP(address.Port, configure);
            }
        }
    }
}
