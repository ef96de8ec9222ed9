using System.Text.Json;
using System.Text.Json.Nodes;
using Accounts.Notifications;

namespace Accounts.Server.Tests.Notifications;

public sealed class OutcomeJsonTests
{
    [Fact]
    public void AnOutcomeSurvivesTheRoundTrip()
    {
        var at = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.FromHours(2));
        var outcome = new Outcome("ada", "Read_User", "42", false, new JsonObject { ["Username"] = "ada", ["Phone"] = "+15550100" }, at);

        var json = OutcomeJson.Serialize(outcome);
        var back = OutcomeJson.Deserialize(json);

        JsonNode.Parse(json)!.AsObject().Select(p => p.Key).ShouldBe(["userId", "operation", "jobId", "status", "message", "at"]);
        back.UserId.ShouldBe("ada");
        back.Operation.ShouldBe("Read_User");
        back.JobId.ShouldBe("42");
        back.Status.ShouldBeFalse();
        back.At.ShouldBe(at);
        back.At.Offset.ShouldBe(TimeSpan.FromHours(2));
        JsonNode.DeepEquals(back.Message, outcome.Message).ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"operation":"Read_User","status":true,"at":"2026-01-01T00:00:00Z"}""")]
    [InlineData("""{"userId":"ada","status":true,"at":"2026-01-01T00:00:00Z"}""")]
    [InlineData("null")]
    [InlineData("not json")]
    public void WhatIsNotAnOutcomeIsRefused(string json) =>
        Should.Throw<JsonException>(() => OutcomeJson.Deserialize(json));
}
