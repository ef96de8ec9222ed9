using System.Net;
using System.Text.Json.Nodes;

namespace Accounts.Server.Tests;

internal static class HttpAssertions
{
    /// <summary>Asserts a ProblemDetails answer with this status and stable code; returns its body.</summary>
    public static async Task<JsonObject> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var body = JsonNode.Parse(text)!.AsObject();
        ((string?)body["code"]).ShouldBe(code, text);
        ((int?)body["status"]).ShouldBe((int)status);
        return body;
    }

    public static async Task<JsonObject> ShouldBeJsonAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        ShouldHoldNoPassword(text);
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>No answer may carry a password or its hash, under any name.</summary>
    public static void ShouldHoldNoPassword(string text)
    {
        text.ShouldNotContain(TestUsers.Password);
        text.ShouldNotContain("$argon2", Case.Insensitive);
        text.ShouldNotContain("password\"", Case.Insensitive);
        text.ShouldNotContain("passwordHash", Case.Insensitive);
    }
}
