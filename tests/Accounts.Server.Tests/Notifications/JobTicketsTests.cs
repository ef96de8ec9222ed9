using System.Security.Cryptography;
using System.Text;
using Accounts.Notifications;
using Accounts.Redis;
using Accounts.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Accounts.Server.Tests.Notifications;

/// <summary>What every <see cref="IJobTickets"/> must do; one subclass per store.</summary>
public abstract class JobTicketsContract : IAsyncLifetime
{
    protected static readonly JobTicketScope Scope = new("Verification", "7", "+15550100");

    protected NotificationOptions Options { get; } = new() { TicketLifetime = TimeSpan.FromMinutes(10) };

    protected ManualTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected IJobTickets Tickets { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Tickets = await CreateAsync();

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task TicketIsJtAnd32RandomBytes()
    {
        var first = await Tickets.IssueAsync(Scope, TestContext.Current.CancellationToken);
        var second = await Tickets.IssueAsync(Scope, TestContext.Current.CancellationToken);

        first.ShouldStartWith("jt_");
        first.Length.ShouldBe(46);
        System.Buffers.Text.Base64Url.DecodeFromChars(first.AsSpan(3)).Length.ShouldBe(32);
        JobTicket.IsWellFormed(first).ShouldBeTrue();
        second.ShouldNotBe(first);
    }

    [Fact]
    public async Task TicketRedeemsItsScopeOnce()
    {
        var ticket = await Tickets.IssueAsync(Scope, TestContext.Current.CancellationToken);

        (await Tickets.RedeemAsync(ticket, TestContext.Current.CancellationToken)).ShouldBe(Scope);
        (await Tickets.RedeemAsync(ticket, TestContext.Current.CancellationToken)).ShouldBeNull();
    }

    [Fact]
    public async Task ConcurrentRedemptionsOfOneTicketSucceedOnce()
    {
        var ticket = await Tickets.IssueAsync(Scope, TestContext.Current.CancellationToken);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Tickets.RedeemAsync(ticket, TestContext.Current.CancellationToken))));

        results.Count(scope => scope is not null).ShouldBe(1);
    }

    [Fact]
    public async Task WhatWasNotIssuedRedeemsNothing()
    {
        var ticket = await Tickets.IssueAsync(Scope, TestContext.Current.CancellationToken);
        string[] forgeries =
        [
            "",
            "jt_",
            ticket[3..],
            "JT_" + ticket[3..],
            ticket.ToUpperInvariant(),
            ticket + "A",
            "jt_" + new string('!', 43),
            JobTicket.Create(),
        ];

        foreach (var forgery in forgeries)
        {
            (await Tickets.RedeemAsync(forgery, TestContext.Current.CancellationToken)).ShouldBeNull(forgery);
        }

        (await Tickets.RedeemAsync(ticket, TestContext.Current.CancellationToken)).ShouldBe(Scope);
    }

    protected abstract Task<IJobTickets> CreateAsync();

    protected static string Sha256(string ticket) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ticket)));
}

public sealed class InMemoryJobTicketsTests : JobTicketsContract
{
    [Fact]
    public async Task TicketExpiresAfterItsLifetime()
    {
        var late = await Tickets.IssueAsync(Scope, TestContext.Current.CancellationToken);
        var inTime = await Tickets.IssueAsync(Scope, TestContext.Current.CancellationToken);

        Clock.Advance(Options.TicketLifetime - TimeSpan.FromTicks(1));
        (await Tickets.RedeemAsync(inTime, TestContext.Current.CancellationToken)).ShouldBe(Scope);
        Clock.Advance(TimeSpan.FromTicks(1));
        (await Tickets.RedeemAsync(late, TestContext.Current.CancellationToken)).ShouldBeNull();
    }

    protected override Task<IJobTickets> CreateAsync() => Task.FromResult<IJobTickets>(new InMemoryJobTickets(Options, Clock));
}

public sealed class RedisJobTicketsTests : JobTicketsContract
{
    private readonly string _prefix = NotificationTestSupport.NewPrefix();
    private RedisClient? _redis;

    [Fact]
    public async Task RedisHoldsTheTicketsHashWithItsScopeEncryptedForItsLifetime()
    {
        var redis = _redis!;
        var ticket = await Tickets.IssueAsync(Scope, TestContext.Current.CancellationToken);

        var key = $"{_prefix}job-ticket:{Sha256(ticket)}";
        var value = await redis.GetAsync(key, TestContext.Current.CancellationToken);
        value.ShouldNotBeNull();
        foreach (var clear in new[] { ticket, ticket[3..], Scope.UserId, Scope.Operation })
        {
            value.ShouldNotContain(clear);
        }

        var ttl = await redis.TimeToLiveAsync(key, TestContext.Current.CancellationToken);
        ttl.ShouldNotBeNull();
        ttl.Value.ShouldBeInRange(Options.TicketLifetime - TimeSpan.FromSeconds(30), Options.TicketLifetime);
        (await Tickets.RedeemAsync(ticket, TestContext.Current.CancellationToken)).ShouldBe(Scope);
        (await redis.ExistsAsync(key, TestContext.Current.CancellationToken)).ShouldBeFalse();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    protected override async Task<IJobTickets> CreateAsync()
    {
        _redis = await NotificationTestSupport.ConnectRedisAsync();
        return new RedisJobTickets(_redis, _prefix, NotificationTestSupport.NewProtector(), Options, NullLogger<RedisJobTickets>.Instance);
    }
}
