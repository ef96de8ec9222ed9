using System.Text.Json;
using System.Text.Json.Serialization;

namespace Accounts.Tcp.Client;

internal static class ClientJson
{
    /// <summary>camelCase as the server; nulls are not sent, so an absent change stays absent.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    public static byte[] Serialize(object? payload) =>
        payload is null ? [] : JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), Options);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
