using System.Text.Json;

namespace Accounts.Tcp.Client;

/// <summary>One response frame: the type (request type | 0x80), the status and the JSON payload.</summary>
public sealed class TcpResponse
{
    public TcpResponse(byte type, TcpStatus status, JsonElement payload)
    {
        Type = type;
        Status = status;
        Payload = payload;
    }

    public byte Type { get; }

    public TcpStatus Status { get; }

    /// <summary>The payload; <c>{}</c> when the frame had none.</summary>
    public JsonElement Payload { get; }

    public bool IsSuccess => Status == TcpStatus.Ok;

    /// <summary>The error's stable code, or null on success.</summary>
    public string? ErrorCode => IsSuccess ? null : StringMember("error") ?? "error";

    /// <summary>The error's message (may be reworded; rely on <see cref="ErrorCode"/>), or null on success.</summary>
    public string? ErrorMessage => IsSuccess ? null : StringMember("message") ?? string.Empty;

    /// <summary>The payload as <typeparamref name="T"/> (camelCase JSON).</summary>
    public T Deserialize<T>() =>
        Payload.Deserialize<T>(ClientJson.Options) ?? throw new JsonException($"The payload is null, not a {typeof(T).Name}.");

    /// <summary>Throws <see cref="TcpProtocolException"/> for an error status.</summary>
    public TcpResponse EnsureSuccess() => IsSuccess ? this : throw ToException();

    public TcpProtocolException ToException()
    {
        TimeSpan? retryAfter = Payload.ValueKind == JsonValueKind.Object
            && Payload.TryGetProperty("retryAfter", out var seconds)
            && seconds.TryGetInt64(out var value)
                ? TimeSpan.FromSeconds(value)
                : null;
        return new TcpProtocolException(Status, ErrorCode ?? "error", ErrorMessage ?? string.Empty, StringMember("field"), retryAfter);
    }

    private string? StringMember(string name) =>
        Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty(name, out var member) && member.ValueKind == JsonValueKind.String
            ? member.GetString()
            : null;
}
