using System.Text;
using Accounts.Core.Security;
using Accounts.Core.Verification;

namespace Accounts.Storage.Tests;

public abstract partial class StoreContract
{
    private ICodeRequestOutbox CodeRequests => Storage.CodeRequests(new MarkingProtector());

    protected static CodeRequest NewRequest(string id, DateTimeOffset? createdAt = null) => new()
    {
        Id = id,
        Purpose = CodePurpose.Register,
        Channel = DeliveryChannel.WhatsApp,
        Destination = "+14155550123",
        Lifetime = TimeSpan.FromMinutes(15),
        Payload = "v1.payload",
        UserId = "ada-id",
        JobId = "17",
        CreatedAt = createdAt ?? T0,
    };

    [Fact]
    public async Task CodeRequestComesBackWholeWithItsDestinationStoredEncrypted()
    {
        var request = NewRequest("r-1");

        await CodeRequests.AddAsync(request, Ct);

        (await CodeRequests.FindAsync("r-1", Ct)).ShouldBe(request);
        (await CodeRequests.FindAsync("r-2", Ct)).ShouldBeNull();
        var stored = await Storage.CodeRequests(new OpaqueProtector()).FindAsync("r-1", Ct);
        stored!.Destination.ShouldNotContain("4155550123");
    }

    [Fact]
    public async Task UnpublishedRequestsComeOldestFirstUntilMarkedOnce()
    {
        await CodeRequests.AddAsync(NewRequest("r-2", T0.AddSeconds(2)), Ct);
        await CodeRequests.AddAsync(NewRequest("r-1", T0.AddSeconds(1)), Ct);
        await CodeRequests.AddAsync(NewRequest("r-3", T0.AddSeconds(3)) with { PublishedAt = T0 }, Ct);

        (await CodeRequests.UnpublishedAsync(10, Ct)).Select(r => r.Id).ShouldBe(["r-1", "r-2"]);
        (await CodeRequests.UnpublishedAsync(1, Ct)).Select(r => r.Id).ShouldBe(["r-1"]);

        var marks = await RaceAsync(5, _ => CodeRequests.MarkPublishedAsync("r-1", T0.AddSeconds(5), Ct));
        marks.Count(marked => marked).ShouldBe(1);
        (await CodeRequests.UnpublishedAsync(10, Ct)).Select(r => r.Id).ShouldBe(["r-2"]);
        (await CodeRequests.FindAsync("r-1", Ct))!.PublishedAt.ShouldBe(T0.AddSeconds(5));
    }

    [Fact]
    public async Task RequestIsMarkedSentOnceAndItsDeliveryReportsRecorded()
    {
        await CodeRequests.AddAsync(NewRequest("r-1"), Ct);

        var marks = await RaceAsync(5, i => CodeRequests.MarkSentAsync("r-1", T0.AddSeconds(1), "SM" + i, Ct));
        marks.Count(marked => marked).ShouldBe(1);
        var sent = await CodeRequests.FindAsync("r-1", Ct);
        sent!.SentAt.ShouldBe(T0.AddSeconds(1));
        sent.PublishedAt.ShouldBe(T0.AddSeconds(1), "a request sent was published, whoever took it");
        var sid = "SM" + Array.IndexOf(marks, true);

        (await CodeRequests.RecordDeliveryAsync(new DeliveryStatus(sid, "sent", null, T0.AddSeconds(2)), Ct)).ShouldBeTrue();
        (await CodeRequests.RecordDeliveryAsync(new DeliveryStatus(sid, "undelivered", "30003", T0.AddSeconds(4)), Ct)).ShouldBeTrue();
        // A report older than the one recorded (callbacks arrive out of order) does not overwrite it.
        (await CodeRequests.RecordDeliveryAsync(new DeliveryStatus(sid, "delivered", null, T0.AddSeconds(3)), Ct)).ShouldBeFalse();
        (await CodeRequests.RecordDeliveryAsync(new DeliveryStatus("SM-unknown", "sent", null, T0), Ct)).ShouldBeFalse();

        (await CodeRequests.FindDeliveryAsync("r-1", Ct)).ShouldBe(new DeliveryStatus(sid, "undelivered", "30003", T0.AddSeconds(4)));
    }

    [Fact]
    public async Task PruneForgetsOnlyRequestsSentBeforeTheCutOff()
    {
        await CodeRequests.AddAsync(NewRequest("old"), Ct);
        await CodeRequests.AddAsync(NewRequest("recent"), Ct);
        await CodeRequests.AddAsync(NewRequest("unsent"), Ct);
        await CodeRequests.MarkSentAsync("old", T0.AddDays(1), null, Ct);
        await CodeRequests.MarkSentAsync("recent", T0.AddDays(3), null, Ct);

        (await CodeRequests.PruneAsync(T0.AddDays(2), Ct)).ShouldBe(1);

        (await CodeRequests.FindAsync("old", Ct)).ShouldBeNull();
        (await CodeRequests.FindAsync("recent", Ct)).ShouldNotBeNull();
        (await CodeRequests.FindAsync("unsent", Ct)).ShouldNotBeNull();
    }

    /// <summary>Marks what it protects (reversibly), so a test can tell the stored form from the clear one.</summary>
    private sealed class MarkingProtector : IFieldProtector
    {
        public string Protect(string plaintext) => "enc:" + Convert.ToBase64String(Encoding.UTF8.GetBytes(plaintext));

        public string Unprotect(string protectedValue) => Encoding.UTF8.GetString(Convert.FromBase64String(protectedValue["enc:".Length..]));

        public string ComputeIndex(string purpose, string value) => throw new NotSupportedException();
    }

    /// <summary>Reads the stored form as it is.</summary>
    private sealed class OpaqueProtector : IFieldProtector
    {
        public string Protect(string plaintext) => throw new NotSupportedException();

        public string Unprotect(string protectedValue) => protectedValue;

        public string ComputeIndex(string purpose, string value) => throw new NotSupportedException();
    }
}

public abstract partial class StoreContract
{
    [Fact]
    public async Task AbandonedRequestsAreTakenAgainOnceAndFailedOnesNever()
    {
        var outbox = Storage.CodeRequests(new MarkingProtectorForReclaim());
        await outbox.AddAsync(NewRequest("abandoned", T0) with { PublishedAt = T0 }, Ct);
        await outbox.AddAsync(NewRequest("recent", T0) with { PublishedAt = T0.AddMinutes(9) }, Ct);
        await outbox.AddAsync(NewRequest("sent", T0) with { PublishedAt = T0 }, Ct);
        await outbox.AddAsync(NewRequest("failed", T0) with { PublishedAt = T0 }, Ct);
        await outbox.AddAsync(NewRequest("unpublished", T0), Ct);
        await outbox.MarkSentAsync("sent", T0.AddMinutes(1), null, Ct);
        await outbox.MarkFailedAsync("failed", T0.AddMinutes(1), Ct);
        var now = T0.AddMinutes(15);

        var takes = await RaceAsync(4, _ => outbox.ReclaimAbandonedAsync(now.AddMinutes(-10), now, 10, Ct));

        takes.SelectMany(taken => taken).Select(r => r.Id).ShouldBe(["abandoned"]);
        (await outbox.FindAsync("abandoned", Ct))!.PublishedAt.ShouldBe(now);
        (await outbox.ReclaimAbandonedAsync(now.AddMinutes(-10), now, 10, Ct)).ShouldBeEmpty();
    }

    private sealed class MarkingProtectorForReclaim : Accounts.Core.Security.IFieldProtector
    {
        public string Protect(string plaintext) => "enc:" + plaintext;

        public string Unprotect(string protectedValue) => protectedValue["enc:".Length..];

        public string ComputeIndex(string purpose, string value) => throw new NotSupportedException();
    }
}
