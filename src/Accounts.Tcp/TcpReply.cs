using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Accounts.Core.Errors;

namespace Accounts.Tcp;

/// <summary>
/// A dispatcher's answer to one request: a status and the UTF-8 JSON payload of the response frame. Serialized
/// when made, on the dispatching thread, so the connection's writer only copies bytes.
/// </summary>
public readonly struct TcpReply
{
    private static readonly ReadOnlyMemory<byte> EmptyObject = "{}"u8.ToArray();

    private TcpReply(TcpStatus status, ReadOnlyMemory<byte> payload)
    {
        Status = status;
        Payload = payload;
    }

    public TcpStatus Status { get; }

    /// <summary>UTF-8 JSON; an empty payload is sent as <c>{}</c>.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Status 0 with <c>{}</c>.</summary>
    public static TcpReply Ok() => new(TcpStatus.Ok, EmptyObject);

    /// <summary>Status 0 with <paramref name="value"/> serialized by <see cref="TcpJson.Options"/> (camelCase); null gives <c>{}</c>.</summary>
    public static TcpReply Ok(object? value) =>
        value is null ? Ok() : new(TcpStatus.Ok, JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), TcpJson.Options));

    /// <summary>Status 0 with <paramref name="value"/> serialized by a source-generated contract.</summary>
    public static TcpReply Ok<T>(T value, JsonTypeInfo<T> typeInfo) => new(TcpStatus.Ok, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));

    /// <summary>A payload that is already UTF-8 JSON, sent as given.</summary>
    public static TcpReply Json(TcpStatus status, ReadOnlyMemory<byte> utf8Json) => new(status, utf8Json);

    /// <summary>
    /// An error: <c>{"error": code, "message": message}</c>, plus <c>field</c> (the input at fault) and
    /// <c>retryAfter</c> (whole seconds, at least 1) when given.
    /// </summary>
    public static TcpReply Error(TcpStatus status, string code, string message, string? field = null, TimeSpan? retryAfter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        if (status == TcpStatus.Ok)
        {
            throw new ArgumentOutOfRangeException(nameof(status), "An error cannot have status 0.");
        }

        var buffer = new ArrayBufferWriter<byte>(64 + message.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("error", code);
            writer.WriteString("message", message);
            if (field is not null)
            {
                writer.WriteString("field", field);
            }

            if (retryAfter is { } wait)
            {
                writer.WriteNumber("retryAfter", Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)));
            }

            writer.WriteEndObject();
        }

        return new(status, buffer.WrittenMemory);
    }

    /// <summary>A use case's error: its kind gives the status; code, message, field and retry-after are kept.</summary>
    public static TcpReply FromError(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Error(error.Kind.ToTcpStatus(), error.Code, error.Message, error.Field, error.RetryAfter);
    }

    /// <summary>A use case's outcome: <paramref name="onSuccess"/>'s shape of the value, or the error.</summary>
    public static TcpReply From<T>(Result<T> result, Func<T, object?> onSuccess)
    {
        ArgumentNullException.ThrowIfNull(onSuccess);
        return result.IsSuccess ? Ok(onSuccess(result.Value)) : FromError(result.Error!);
    }

    internal ReadOnlySpan<byte> PayloadOrEmptyObject => Payload.IsEmpty ? EmptyObject.Span : Payload.Span;
}
