using System.Text.Json;

namespace Accounts.Tcp;

/// <summary>The JSON conventions of the protocol: camelCase, as the HTTP API (ASP.NET Core's web defaults).</summary>
public static class TcpJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>
    /// Reads a request payload into <typeparamref name="T"/> (missing members stay null). A payload of the wrong
    /// shape throws <see cref="JsonException"/>; if a dispatcher lets it escape, the handler answers
    /// <c>invalid_request</c> (status 1).
    /// </summary>
    public static T Deserialize<T>(ReadOnlyMemory<byte> json)
        where T : class =>
        JsonSerializer.Deserialize<T>(json.Span, Options) ?? throw new JsonException("The payload is null.");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
