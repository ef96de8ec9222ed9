using Accounts.Core.Audit;

namespace Accounts.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task AuditListsNewestEventsFirstUpToTheLimit()
    {
        var first = new AuditEvent(T0, AuditEvents.Registered, "u-1", "192.0.2.1");
        var second = new AuditEvent(T0.AddSeconds(1), AuditEvents.SignedIn, "u-1", "192.0.2.1", "web");
        var third = new AuditEvent(T0.AddSeconds(2), AuditEvents.SignInFailed, null, null);
        foreach (var auditEvent in new[] { first, second, third })
        {
            await Audit.WriteAsync(auditEvent, Ct);
        }

        (await Audit.ListAsync(null, 10, Ct)).ShouldBe([third, second, first]);
        (await Audit.ListAsync(null, 2, Ct)).ShouldBe([third, second]);
        (await Audit.ListAsync(null, 0, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AuditListsEventsOfTheSameMillisecondInWritingOrder()
    {
        var events = Enumerable.Range(0, 5).Select(i => new AuditEvent(T0, AuditEvents.SignInFailed, "u-1", null, $"n{i}")).ToList();
        foreach (var auditEvent in events)
        {
            await Audit.WriteAsync(auditEvent, Ct);
        }

        events.Reverse();
        (await Audit.ListAsync("u-1", 10, Ct)).ShouldBe(events);
    }

    [Fact]
    public async Task AuditListsTheEventsOfOneUser()
    {
        var alice = new AuditEvent(T0, AuditEvents.Registered, "u-1", "192.0.2.1");
        var bob = new AuditEvent(T0.AddSeconds(1), AuditEvents.Registered, "u-2", "192.0.2.2");
        var aliceAgain = new AuditEvent(T0.AddSeconds(2), AuditEvents.PasswordChanged, "u-1", "2001:db8::1");
        await Audit.WriteAsync(alice, Ct);
        await Audit.WriteAsync(bob, Ct);
        await Audit.WriteAsync(aliceAgain, Ct);

        (await Audit.ListAsync("u-1", 10, Ct)).ShouldBe([aliceAgain, alice]);
        (await Audit.ListAsync("u-3", 10, Ct)).ShouldBeEmpty();
    }
}
