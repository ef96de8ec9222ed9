using Accounts.Core;
using Accounts.Core.Sessions;
using Accounts.Core.Throttling;
using Accounts.Core.Verification;
using Accounts.Redis;
using Accounts.Storage;
using Accounts.Storage.Redis;

namespace Accounts.Server.Hosting;

/// <summary>Redis: <c>Accounts:Redis</c>, a connection string such as <c>127.0.0.1:6379</c>, and <c>Accounts:RedisKeyPrefix</c>.</summary>
public sealed class RedisSettings
{
    public const string Section = "Accounts";
    public const string Setting = "Accounts:Redis";

    /// <summary>Null: the embedded default keeps this state in the process and the database.</summary>
    public string? Redis { get; set; }

    public string RedisKeyPrefix { get; set; } = RedisKeys.DefaultPrefix;

    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);

    public RedisOptions Parse()
    {
        var options = RedisOptions.Parse(Redis ?? throw new InvalidOperationException($"{Setting} is not set."));
        options.Validate();
        return options;
    }

    /// <summary>Why the connection string cannot be used (never the string itself: it may hold a password); null when it can.</summary>
    internal string? ParseError()
    {
        if (!Enabled)
        {
            return null;
        }

        try
        {
            Parse();
            return null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return ex.Message;
        }
    }
}

/// <summary>
/// Where short-lived shared state lives: codes, sign-in failure counts and lockouts, rate-limit counters and the
/// token cache. With <c>Accounts:Redis</c> set, in Redis, shared by every process; otherwise codes and lockouts in
/// the database and counters in the process, and no token cache. Chosen when first resolved, from configuration.
/// </summary>
internal static class StateServices
{
    public static IServiceCollection AddAccountsState(this IServiceCollection services)
    {
        services.AddAccountsRedis(sp => sp.GetRequiredService<RedisSettings>().Parse());
        // An empty prefix would mix Accounts' keys with everything else in the database: it means the default.
        services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<RedisSettings>().RedisKeyPrefix is { Length: > 0 } prefix ? prefix : RedisKeys.DefaultPrefix));

        services.AddSingleton<IVerificationCodeStore>(sp => Redis(sp) is { } redis
            ? new RedisVerificationCodeStore(redis, sp.GetRequiredService<RedisKeys>())
            : sp.GetRequiredService<AccountStorage>().Codes);
        services.AddSingleton<ILockoutStore>(sp => Redis(sp) is { } redis
            ? new RedisLockoutStore(redis, sp.GetRequiredService<RedisKeys>())
            : sp.GetRequiredService<AccountStorage>().Lockouts);
        services.AddSingleton<IRateLimitCounter>(sp => Redis(sp) is { } redis
            ? new RedisRateLimitCounter(redis, sp.GetRequiredService<RedisKeys>(), sp.GetRequiredService<TimeProvider>())
            : new InMemoryRateLimitCounter(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ITokenCache>(sp => Redis(sp) is { } redis
            ? new RedisTokenCache(redis, sp.GetRequiredService<RedisKeys>(), sp.GetRequiredService<TokenOptions>())
            : new NoTokenCache());
        return services;
    }

    private static IRedisClient? Redis(IServiceProvider sp) =>
        sp.GetRequiredService<RedisSettings>().Enabled ? sp.GetRequiredService<IRedisClient>() : null;
}
