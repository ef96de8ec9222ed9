using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Accounts.Core.Verification;
using Confluent.Kafka;

namespace Accounts.Bus.Kafka;

/// <summary>
/// The message format on topic <c>Verification</c>: the original's value <c>{"Id": ..., "Phone": ...}</c>, so that the
/// original consumer and producers keep working beside Accounts, and headers that only Accounts reads.
/// </summary>
internal static class CodeRequestWire
{
    public const string RequestIdHeader = "accounts-request-id";
    public const string ChannelHeader = "accounts-channel";
    public const string PurposeHeader = "accounts-purpose";
    public const string DeadLetterReasonHeader = "accounts-dlq-reason";
    public const string DeadLetterSourceHeader = "accounts-dlq-source";

    // Kafka limits a whole message to 1 MB by default; a reason is a sentence, and a long one is cut.
    private const int MaxReasonLength = 1000;

    // Escapes only what JSON requires, as JSON.stringify does: the default encoder would write '+' of an E.164 phone
    // as \u002B, which is the same string to a parser but not the same bytes to a reader of the topic.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The message for <paramref name="request"/>: keyed by the request's id, so every copy of one request (a relay's
    /// retry, two relays racing) lands in one partition, in order, and reaches one consumer.
    /// </summary>
    public static Message<byte[]?, byte[]?> ToMessage(CodeRequest request)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            // The original's Id is the account's; a request that no account asked for (a sign-up) has only its own.
            json.WriteString("Id", request.UserId ?? request.Id);
            json.WriteString("Phone", request.Destination);
            json.WriteEndObject();
        }

        return new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(request.Id),
            Value = buffer.ToArray(),
            Headers = new Headers
            {
                { RequestIdHeader, Encoding.UTF8.GetBytes(request.Id) },
                { ChannelHeader, Encoding.UTF8.GetBytes(request.Channel.ToWire()) },
                { PurposeHeader, Encoding.UTF8.GetBytes(request.Purpose.ToWire()) },
            },
        };
    }

    /// <summary>
    /// Reads a consumed message. False, with the reason, for a message no handler could make sense of: a value that is
    /// not a JSON object, an <c>Id</c> or <c>Phone</c> that is not a string, a request id header that is not UTF-8.
    /// Missing fields are the handler's to judge (a request id is enough for this service's own messages).
    /// </summary>
    public static bool TryRead(
        Message<byte[]?, byte[]?> message,
        string deliveryKey,
        [NotNullWhen(true)] out CodeRequestMessage? request,
        [NotNullWhen(false)] out string? problem)
    {
        request = null;
        string? requestId = null;
        if (message.Headers is { } headers && headers.TryGetLastBytes(RequestIdHeader, out var idBytes))
        {
            if (!TryDecode(idBytes, out requestId))
            {
                problem = $"the {RequestIdHeader} header is not UTF-8 text";
                return false;
            }

            requestId = requestId.Length == 0 ? null : requestId;
        }

        if (message.Value is not { Length: > 0 } value)
        {
            problem = "the message has no value";
            return false;
        }

        string? userId, phone;
        try
        {
            using var document = JsonDocument.Parse(value);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problem = $"the value is a JSON {Describe(document.RootElement.ValueKind)}, not an object";
                return false;
            }

            if (!TryGetString(document.RootElement, "Id", out userId) || !TryGetString(document.RootElement, "Phone", out phone))
            {
                problem = "the value's Id or Phone is not a string";
                return false;
            }
        }
        catch (JsonException)
        {
            problem = "the value is not JSON";
            return false;
        }

        request = new CodeRequestMessage(requestId, deliveryKey, userId, phone);
        problem = null;
        return true;
    }

    /// <summary>The same message for the dead-letter topic: key, value and headers untouched, plus why and where from.</summary>
    public static Message<byte[]?, byte[]?> ToDeadLetter(Message<byte[]?, byte[]?> original, string reason, string source)
    {
        var headers = new Headers();
        if (original.Headers is { } originalHeaders)
        {
            foreach (var header in originalHeaders)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        headers.Add(DeadLetterReasonHeader, Encoding.UTF8.GetBytes(reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason));
        headers.Add(DeadLetterSourceHeader, Encoding.UTF8.GetBytes(source));
        return new Message<byte[]?, byte[]?> { Key = original.Key, Value = original.Value, Headers = headers };
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static bool TryGetString(JsonElement value, string name, out string? text)
    {
        text = null;
        if (!value.TryGetProperty(name, out var property))
        {
            return true;
        }

        switch (property.ValueKind)
        {
            case JsonValueKind.String:
                text = property.GetString();
                return true;
            case JsonValueKind.Null:
                return true;
            default:
                return false;
        }
    }

    private static bool TryDecode(byte[]? bytes, [NotNullWhen(true)] out string? text)
    {
        try
        {
            text = bytes is null ? "" : StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = null;
            return false;
        }
    }
}
