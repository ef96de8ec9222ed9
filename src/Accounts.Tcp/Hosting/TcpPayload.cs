using System.Text.Json;
using System.Text.Unicode;

namespace Accounts.Tcp;

internal static class TcpPayload
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };

    /// <summary>Whether the bytes are exactly one JSON object in valid UTF-8 (surrounding whitespace allowed).</summary>
    public static bool IsJsonObject(ReadOnlySpan<byte> json)
    {
        // The JSON reader does not check every string for well-formed UTF-8; the use cases must never see it.
        if (!Utf8.IsValid(json))
        {
            return false;
        }

        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
