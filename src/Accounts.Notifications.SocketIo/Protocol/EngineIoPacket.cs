using System.Text.Json;

namespace Accounts.Notifications.SocketIo.Protocol;

/// <summary>Engine.IO v4 packet types: the first character of every frame.</summary>
internal enum EngineIoPacketType
{
    Open = 0,
    Close = 1,
    Ping = 2,
    Pong = 3,
    Message = 4,
    Upgrade = 5,
    Noop = 6,
}

/// <summary>
/// One Engine.IO v4 packet as it travels in one WebSocket text frame: a type digit, then the data (the open
/// handshake's JSON, or a Socket.IO packet for <see cref="EngineIoPacketType.Message"/>). The WebSocket transport
/// never batches packets, so a frame is exactly one packet.
/// </summary>
internal readonly record struct EngineIoPacket(EngineIoPacketType Type, string Data)
{
    public const string Pong = "3";

    /// <summary>Reads a text frame; false for an empty frame or an unknown type (the caller ignores those).</summary>
    public static bool TryParse(string frame, out EngineIoPacket packet)
    {
        if (frame.Length == 0 || frame[0] is < '0' or > '6')
        {
            packet = default;
            return false;
        }

        packet = new EngineIoPacket((EngineIoPacketType)(frame[0] - '0'), frame[1..]);
        return true;
    }
}

/// <summary>
/// The open packet's data: <c>{"sid":..,"upgrades":[..],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}</c>.
/// The server pings every <see cref="PingInterval"/> and gives up on a client that has not answered within
/// <see cref="PingTimeout"/>; the client, in turn, takes a server that has not pinged for both as dead.
/// </summary>
internal sealed record EngineIoHandshake(string Sid, TimeSpan PingInterval, TimeSpan PingTimeout, int MaxPayload)
{
    // What socket.io 4 servers announce when nobody changed maxHttpBufferSize; older v4 servers leave it out.
    private const int DefaultMaxPayload = 1_000_000;

    /// <summary>Without a ping for this long, the server (or the path to it) is gone even if the socket looks open.</summary>
    public TimeSpan DeadAfter => PingInterval + PingTimeout;

    /// <exception cref="SocketIoProtocolException">The data is not an Engine.IO v4 open handshake.</exception>
    public static EngineIoHandshake Parse(string data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SocketIoProtocolException("The Engine.IO open packet is not a JSON object.");
            }

            var sid = root.TryGetProperty("sid", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "";
            var interval = Milliseconds(root, "pingInterval");
            var timeout = Milliseconds(root, "pingTimeout");
            var maxPayload = root.TryGetProperty("maxPayload", out var m) && m.TryGetInt32(out var bytes) && bytes > 0 ? bytes : DefaultMaxPayload;
            return new EngineIoHandshake(sid, interval, timeout, maxPayload);
        }
        catch (JsonException ex)
        {
            throw new SocketIoProtocolException("The Engine.IO open packet is not valid JSON.", ex);
        }
    }

    private static TimeSpan Milliseconds(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.TryGetInt32(out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : throw new SocketIoProtocolException($"The Engine.IO open packet has no positive {name}; is the server Engine.IO v4 (Socket.IO 3 or later)?");
}
