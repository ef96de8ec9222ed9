using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Accounts.Notifications.SocketIo.Protocol;

/// <summary>Socket.IO protocol v5 packet types: the first character inside an Engine.IO message.</summary>
internal enum SocketIoPacketType
{
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
}

/// <summary>
/// One Socket.IO v5 packet: <c>&lt;type&gt;[&lt;attachments&gt;-][&lt;namespace&gt;,][&lt;ack id&gt;][&lt;JSON&gt;]</c>; the
/// namespace is left out for <c>/</c>. It travels as the data of an Engine.IO message, so the frames built here start
/// with the Engine.IO message type: <c>40</c> connects, <c>42[..]</c> emits. Only what the bridge sends and the
/// replies it waits for are encoded and read.
/// </summary>
internal readonly record struct SocketIoPacket(SocketIoPacketType Type, string Namespace, int? AckId, string Data)
{
    public const string MainNamespace = "/";

    // The frame is read by the server's JSON.parse and never lands in HTML: escaping '<', '+' or non-ASCII text
    // would only make the frame (and a phone number in it) longer.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Reads the data of an Engine.IO message (the frame after its <c>4</c>); false when it is not a Socket.IO packet.</summary>
    public static bool TryParse(string text, out SocketIoPacket packet)
    {
        packet = default;
        if (text.Length == 0 || text[0] is < '0' or > '6')
        {
            return false;
        }

        var type = (SocketIoPacketType)(text[0] - '0');
        var index = 1;
        if (type is SocketIoPacketType.BinaryEvent or SocketIoPacketType.BinaryAck)
        {
            // The attachment count; the attachments follow as binary frames, which this client skips.
            var dash = text.IndexOf('-', index);
            if (dash < 0 || !IsDigits(text.AsSpan(index, dash - index)))
            {
                return false;
            }

            index = dash + 1;
        }

        var nsp = MainNamespace;
        if (index < text.Length && text[index] == '/')
        {
            var comma = text.IndexOf(',', index);
            nsp = comma < 0 ? text[index..] : text[index..comma];
            index = comma < 0 ? text.Length : comma + 1;
        }

        var start = index;
        while (index < text.Length && char.IsAsciiDigit(text[index]))
        {
            index++;
        }

        int? ackId = null;
        if (index > start)
        {
            if (!int.TryParse(text.AsSpan(start, index - start), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                return false;
            }

            ackId = id;
        }

        packet = new SocketIoPacket(type, nsp, ackId, text[index..]);
        return true;
    }

    /// <summary>The frame that connects to the main namespace, with <c>{"token": ...}</c> as auth when there is a token.</summary>
    public static string ConnectFrame(string? authToken)
    {
        if (string.IsNullOrEmpty(authToken))
        {
            return "40";
        }

        return "40" + Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("token", authToken);
            writer.WriteEndObject();
        });
    }

    /// <summary>The frame that emits <paramref name="eventName"/> on the main namespace, without an ack: <c>42["name",args...]</c>.</summary>
    /// <param name="writeArguments">Writes the event's arguments as JSON values, in order.</param>
    public static string EventFrame(string eventName, Action<Utf8JsonWriter> writeArguments)
    {
        ArgumentNullException.ThrowIfNull(writeArguments);
        return "42" + Json(writer =>
        {
            writer.WriteStartArray();
            writer.WriteStringValue(eventName);
            writeArguments(writer);
            writer.WriteEndArray();
        });
    }

    /// <summary>The session id in a connect acknowledgement (<c>{"sid":".."}</c>); null when the server sent none.</summary>
    public static string? ConnectedSid(string data)
    {
        try
        {
            using var document = JsonDocument.Parse(data.Length == 0 ? "null" : data);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("sid", out var sid)
                && sid.ValueKind == JsonValueKind.String
                ? sid.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Why the server refused the namespace: v5 sends <c>{"message":"..","data":..}</c> (the middleware's error), v4 a
    /// bare string. The text is the server's, meant to be logged (it never holds an outcome).
    /// </summary>
    public static string ConnectErrorReason(string data)
    {
        const int MaxLength = 200;
        string reason;
        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            reason = root.ValueKind switch
            {
                JsonValueKind.String => root.GetString()!,
                JsonValueKind.Object when root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String => message.GetString()!,
                _ => data,
            };
        }
        catch (JsonException)
        {
            reason = data;
        }

        if (reason.Length == 0)
        {
            return "no reason given";
        }

        return reason.Length <= MaxLength ? reason : reason[..MaxLength] + "...";
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
