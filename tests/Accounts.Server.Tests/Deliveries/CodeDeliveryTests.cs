using Accounts.Core.Verification;
using Microsoft.Extensions.DependencyInjection;

namespace Accounts.Server.Tests.Deliveries;

/// <summary>The outbox of code requests with the in-process bus: what a dead process left behind is sent by another.</summary>
public sealed class CodeDeliveryTests
{
    [Fact]
    public async Task RequestTakenByAProcessThatDiedIsSentAfterAWhileAndAFailedOneIsNot()
    {
        await using var app = new AccountsApplication(realTime: true);
        using var _ = app.CreateClient();
        var outbox = app.Services.GetRequiredService<ICodeRequestOutbox>();
        var ct = TestContext.Current.CancellationToken;
        var longAgo = DateTimeOffset.UtcNow - Server.Deliveries.CodeRequestRelay.AbandonedAfter - TimeSpan.FromMinutes(1);
        CodeRequest Request(string id, string destination) => new()
        {
            Id = id,
            Purpose = CodePurpose.Register,
            Channel = DeliveryChannel.Email,
            Destination = destination,
            Lifetime = TimeSpan.FromMinutes(15),
            CreatedAt = longAgo,
            PublishedAt = longAgo,
        };

        // As a process leaves them when it dies after taking them into its queue: published, never sent.
        await outbox.AddAsync(Request("left-behind", "ada@example.com"), ct);
        await outbox.AddAsync(Request("failed", "bob@example.com"), ct);
        await outbox.MarkFailedAsync("failed", longAgo, ct);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await outbox.FindAsync("left-behind", ct))!.SentAt is null)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the abandoned request was not taken again");
            await Task.Delay(50, ct);
        }

        app.OutboxMessages().Select(m => (string?)m["destination"]).ShouldBe(["ada@example.com"]);
        (await outbox.FindAsync("failed", ct))!.SentAt.ShouldBeNull();
    }
}
