using System.Security.Cryptography;
using System.Text.Json;
using Accounts.Core.Security;
using Accounts.Redis;
using Microsoft.Extensions.Logging;

namespace Accounts.Notifications;

/// <summary>
/// Job tickets shared by every process: <c>&lt;prefix&gt;job-ticket:&lt;sha256&gt;</c> holds the scope, encrypted (its
/// user id may be a phone number), and expires after <see cref="NotificationOptions.TicketLifetime"/>. Redeeming
/// reads and deletes in one script, so a ticket presented to two processes at once is good for one of them.
/// </summary>
public sealed class RedisJobTickets : IJobTickets
{
    // GETDEL would do, but needs Redis 6.2; the script behaves the same on any version.
    private static readonly RedisScript Take = new("""
        local value = redis.call('GET', KEYS[1])
        if value then redis.call('DEL', KEYS[1]) end
        return value
        """);

    private readonly IRedisCommands _redis;
    private readonly NotificationKeys _keys;
    private readonly IFieldProtector _protector;
    private readonly NotificationOptions _options;
    private readonly ILogger _logger;

    public RedisJobTickets(IRedisCommands redis, string keyPrefix, IFieldProtector protector, NotificationOptions options, ILogger<RedisJobTickets> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        _redis = redis;
        _keys = new NotificationKeys(keyPrefix);
        _protector = protector;
        _options = options;
        _logger = logger;
    }

    public async Task<string> IssueAsync(JobTicketScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var value = _protector.Protect(JsonSerializer.Serialize(scope, NotificationJsonContext.Default.JobTicketScope));
        while (true)
        {
            var ticket = JobTicket.Create();
            // NX: 256 random bits never collide, but if they did, the older ticket must not be taken over.
            if (await _redis.SetAsync(_keys.Ticket(JobTicket.Hash(ticket)), value, _options.TicketLifetime, SetCondition.IfNotExists, cancellationToken))
            {
                return ticket;
            }
        }
    }

    public async Task<JobTicketScope?> RedeemAsync(string ticket, CancellationToken cancellationToken)
    {
        if (!JobTicket.IsWellFormed(ticket))
        {
            return null;
        }

        var value = (await _redis.EvaluateAsync(Take, new RedisValue[] { _keys.Ticket(JobTicket.Hash(ticket)) }, cancellationToken: cancellationToken)).AsString();
        if (value is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(_protector.Unprotect(value), NotificationJsonContext.Default.JobTicketScope);
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException)
        {
            NotificationsLog.UnreadableTicket(_logger, ex);
            return null;
        }
    }
}
