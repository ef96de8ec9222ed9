using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Accounts.Redis;

namespace Accounts.Queues.Bull;

/// <summary>
/// Bull's job hash, field by field as bull@4 writes and reads it: <c>name</c>, <c>data</c> (JSON), <c>opts</c> (JSON),
/// <c>timestamp</c>, <c>delay</c>, <c>priority</c>, then <c>processedOn</c>, <c>attemptsMade</c>, <c>failedReason</c>,
/// <c>stacktrace</c> (JSON array of strings), <c>returnvalue</c> (JSON), <c>finishedOn</c>, <c>stalledCounter</c>;
/// times in milliseconds since the Unix epoch.
/// </summary>
internal static class BullJobFormat
{
    private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true };

    // JSON as JSON.stringify writes it: quotes escaped as \", non-ASCII text as is. The default encoder's HTML-safe
    // \u0022 escapes mean the same, but bull's own text (and a reader comparing bytes) has the plain form.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions NodeOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>opts</c> as Node's <c>queue.add</c> stores it (the defaults filled in, <c>timestamp</c> last).</summary>
    public static string WriteOptions(JobOptions options, long timestamp)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("attempts", options.Attempts);
            if (options.Backoff is { } backoff)
            {
                json.WriteStartObject("backoff");
                json.WriteString("type", backoff.Type == BackoffType.Exponential ? "exponential" : "fixed");
                json.WriteNumber("delay", Milliseconds(backoff.Delay));
                json.WriteEndObject();
            }

            WriteKeepJobs(json, "removeOnComplete", options.RemoveOnComplete);
            WriteKeepJobs(json, "removeOnFail", options.RemoveOnFail);
            if (options.Priority > 0)
            {
                json.WriteNumber("priority", options.Priority);
            }

            if (options.Lifo)
            {
                json.WriteBoolean("lifo", true);
            }

            if (options.JobId is { } jobId)
            {
                json.WriteString("jobId", jobId);
            }

            if (options.Timeout is { } timeout)
            {
                json.WriteNumber("timeout", Milliseconds(timeout));
            }

            if (options.StackTraceLimit is { } limit)
            {
                json.WriteNumber("stackTraceLimit", limit);
            }

            json.WriteNumber("delay", Milliseconds(options.Delay));
            json.WriteNumber("timestamp", timestamp);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads <c>opts</c> as any bull version wrote it; what it cannot read keeps Bull's default.</summary>
    public static JobOptions ReadOptions(string? text, string? name)
    {
        var options = new JobOptions { Name = string.IsNullOrEmpty(name) ? JobOptions.DefaultName : name };
        if (string.IsNullOrEmpty(text))
        {
            return options;
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text, Lenient);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return options;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return options;
        }

        return options with
        {
            Attempts = Number(root, "attempts") is { } attempts && attempts >= 1 ? (int)Math.Min(attempts, int.MaxValue) : 1,
            Backoff = ReadBackoff(root),
            Delay = Number(root, "delay") is { } delay && delay > 0 ? TimeSpan.FromMilliseconds(delay) : TimeSpan.Zero,
            Priority = Number(root, "priority") is { } priority && priority > 0 ? (int)Math.Min(priority, int.MaxValue) : 0,
            Lifo = root.TryGetProperty("lifo", out var lifo) && lifo.ValueKind == JsonValueKind.True,
            JobId = root.TryGetProperty("jobId", out var jobId) ? jobId.ValueKind switch
            {
                JsonValueKind.String => jobId.GetString(),
                JsonValueKind.Number => jobId.GetRawText(),
                _ => null,
            } : null,
            Timeout = Number(root, "timeout") is { } timeout && timeout > 0 ? TimeSpan.FromMilliseconds(timeout) : null,
            RemoveOnComplete = ReadKeepJobs(root, "removeOnComplete"),
            RemoveOnFail = ReadKeepJobs(root, "removeOnFail"),
            StackTraceLimit = Number(root, "stackTraceLimit") is { } limit && limit > 0 ? (int)Math.Min(limit, int.MaxValue) : null,
        };
    }

    /// <summary><c>data</c>: the JSON text of the job's data, <c>{}</c> for none, as Bull stores it.</summary>
    public static string WriteData(JsonNode? data) => data?.ToJsonString(NodeOptions) ?? "{}";

    /// <summary>A JSON value (a return value) as JSON.stringify writes it; null is <c>null</c>.</summary>
    public static string WriteJson(JsonNode? value) => value?.ToJsonString(NodeOptions) ?? "null";

    /// <summary>A JSON field (data, returnvalue); text that is not JSON comes back as a JSON string.</summary>
    public static JsonNode? ReadJson(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text, documentOptions: Lenient);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    /// <summary>The message Bull publishes on the completed or failed channel: <c>{"jobId":"1","val":"..."}</c>.</summary>
    public static string WriteEvent(string jobId, string value)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + value.Length);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("jobId", jobId);
            json.WriteString("val", value);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary><c>stacktrace</c>: a JSON array of strings.</summary>
    public static string WriteStacktrace(IReadOnlyList<string> traces)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartArray();
            foreach (var trace in traces)
            {
                json.WriteStringValue(trace);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static List<string> ReadStacktrace(string? text)
    {
        var traces = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return traces;
        }

        try
        {
            using var document = JsonDocument.Parse(text, Lenient);
            if (document.RootElement.ValueKind == JsonValueKind.Array)
            {
                traces.AddRange(document.RootElement.EnumerateArray()
                    .Where(item => item.ValueKind == JsonValueKind.String)
                    .Select(item => item.GetString()!));
            }
        }
        catch (JsonException)
        {
        }

        return traces;
    }

    /// <summary>Reads an HGETALL reply (field, value, field, value...).</summary>
    public static Dictionary<string, string> ReadHash(IReadOnlyList<RedisResult> items)
    {
        var fields = new Dictionary<string, string>(items.Count / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < items.Count; i += 2)
        {
            fields[items[i].AsString()!] = items[i + 1].AsString() ?? "";
        }

        return fields;
    }

    public static JobInfo ReadInfo(string queueName, string jobId, string state, IReadOnlyDictionary<string, string> hash) => new()
    {
        Id = jobId,
        QueueName = queueName,
        State = state switch
        {
            "waiting" or "paused" => JobState.Waiting,
            "active" => JobState.Active,
            "delayed" => JobState.Delayed,
            "completed" => JobState.Completed,
            "failed" => JobState.Failed,
            _ => JobState.Unknown,
        },
        Name = hash.GetValueOrDefault("name") is { Length: > 0 } name ? name : JobOptions.DefaultName,
        Data = ReadJson(hash.GetValueOrDefault("data") ?? "{}"),
        Options = ReadOptions(hash.GetValueOrDefault("opts"), hash.GetValueOrDefault("name")),
        ReturnValue = hash.TryGetValue("returnvalue", out var returned) ? ReadJson(returned) : null,
        FailedReason = hash.GetValueOrDefault("failedReason"),
        AttemptsMade = (int)(Integer(hash.GetValueOrDefault("attemptsMade")) ?? 0),
        CreatedAt = Time(hash.GetValueOrDefault("timestamp")) ?? DateTimeOffset.UnixEpoch,
        ProcessedAt = Time(hash.GetValueOrDefault("processedOn")),
        FinishedAt = Time(hash.GetValueOrDefault("finishedOn")),
    };

    public static Job ReadJob(string queueName, string jobId, IReadOnlyDictionary<string, string> hash) => new(
        queueName,
        jobId,
        ReadJson(hash.GetValueOrDefault("data") ?? "{}"),
        ReadOptions(hash.GetValueOrDefault("opts"), hash.GetValueOrDefault("name")),
        (int)(Integer(hash.GetValueOrDefault("attemptsMade")) ?? 0),
        Time(hash.GetValueOrDefault("timestamp")) ?? DateTimeOffset.UnixEpoch)
    {
        Stacktrace = ReadStacktrace(hash.GetValueOrDefault("stacktrace")),
    };

    /// <summary>
    /// A delayed job's score: its due time in milliseconds × 4096 plus the low 12 bits of a numeric id, which keeps
    /// jobs due in the same millisecond in id order (a non-numeric id adds 0, as in Bull).
    /// </summary>
    public static long DelayedScore(long dueAt, string jobId) =>
        dueAt * 0x1000 + (long.TryParse(jobId, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number & 0xfff : 0);

    public static long Milliseconds(TimeSpan value) => (long)Math.Ceiling(value.TotalMilliseconds);

    private static void WriteKeepJobs(Utf8JsonWriter json, string name, KeepJobs keep)
    {
        if (keep.KeepsAll)
        {
            return;
        }

        if (keep.Age is null)
        {
            if (keep.Count == 0)
            {
                json.WriteBoolean(name, true);
            }
            else
            {
                json.WriteNumber(name, keep.Count!.Value);
            }

            return;
        }

        json.WriteStartObject(name);
        json.WriteNumber("age", AgeSeconds(keep.Age.Value));
        if (keep.Count is { } count)
        {
            json.WriteNumber("count", count);
        }

        json.WriteEndObject();
    }

    /// <summary>Bull counts ages in whole seconds.</summary>
    public static long AgeSeconds(TimeSpan age) => (long)Math.Ceiling(age.TotalSeconds);

    private static KeepJobs ReadKeepJobs(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return KeepJobs.All;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                return KeepJobs.None;
            case JsonValueKind.Number when value.TryGetDouble(out var count):
                return count <= 0 ? KeepJobs.None : KeepJobs.Last((int)Math.Min(count, int.MaxValue));
            case JsonValueKind.Object:
                var age = Number(value, "age");
                var limit = Number(value, "count") is { } n ? (int?)Math.Clamp(n, 0, int.MaxValue) : null;
                if (age is { } seconds && seconds >= 0)
                {
                    return KeepJobs.Within(TimeSpan.FromSeconds(seconds), limit);
                }

                return limit is { } kept ? KeepJobs.Last(kept) : KeepJobs.All;
            default:
                return KeepJobs.All;
        }
    }

    private static JobBackoff? ReadBackoff(JsonElement root)
    {
        if (!root.TryGetProperty("backoff", out var backoff))
        {
            return null;
        }

        if (backoff.ValueKind == JsonValueKind.Number && backoff.TryGetDouble(out var fixedDelay))
        {
            return JobBackoff.Fixed(TimeSpan.FromMilliseconds(Math.Max(0, fixedDelay)));
        }

        if (backoff.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var delay = TimeSpan.FromMilliseconds(Math.Max(0, Number(backoff, "delay") ?? 0));
        var type = backoff.TryGetProperty("type", out var kind) && kind.ValueKind == JsonValueKind.String ? kind.GetString() : null;

        // A custom strategy exists only in the Node process that defined it: its delay, if any, is the best guess.
        return string.Equals(type, "exponential", StringComparison.Ordinal) ? JobBackoff.Exponential(delay) : JobBackoff.Fixed(delay);
    }

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDouble(out var number) => number,
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        } : null;

    private static long? Integer(string? text) =>
        text is null ? null
        : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? (long)number
        : null;

    private static DateTimeOffset? Time(string? text) =>
        Integer(text) is { } milliseconds && milliseconds > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) : null;
}
