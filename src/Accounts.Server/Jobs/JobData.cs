using System.Text.Json;
using System.Text.Json.Nodes;

namespace Accounts.Server.Jobs;

/// <summary>
/// A job's <c>data</c>, read field by field as the original gateway wrote it (<c>Id</c>, <c>Phone</c>, ...). A field
/// of the wrong type is bad data, told by name; its value is never echoed (it may be a password).
/// </summary>
internal sealed class JobData
{
    private readonly JsonObject _fields;

    private JobData(JsonObject fields) => _fields = fields;

    public static JobData Parse(JsonNode? data) =>
        data is JsonObject fields ? new JobData(fields) : throw new JobDataException("The job's data must be a JSON object.");

    /// <summary>The string field <paramref name="name"/>, or null when absent or null.</summary>
    public string? Text(string name)
    {
        if (!_fields.TryGetPropertyValue(name, out var node) || node is null)
        {
            return null;
        }

        if (node.GetValueKind() == JsonValueKind.String)
        {
            return node.GetValue<string>();
        }

        // The original gateway forwarded form values; a phone or a code typed as a number is still that text.
        if (node.GetValueKind() == JsonValueKind.Number && name is "Phone" or "Code")
        {
            return node.ToJsonString();
        }

        throw new JobDataException($"The job's {name} must be a string.");
    }

    public string Required(string name) =>
        Text(name) is { Length: > 0 } value ? value : throw new JobDataException($"The job's {name} is required.");
}

internal sealed class JobDataException(string message) : Exception(message);
