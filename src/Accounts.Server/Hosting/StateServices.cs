using Accounts.Core;
using Accounts.Core.Sessions;
using Accounts.Core.Throttling;
using Accounts.Core.Verification;
using Accounts.Redis;
using Accounts.Storage;
using Accounts.Storage.Redis;

namespace Accounts.Server.Hosting;

/// <summary>Redis (section <c>Accounts:Redis</c>, a connection string such as <c>127.0.0.1:6379</c>).</summary>
public sealed class RedisSettings
{
    public const string Setting = "Accounts:Redis";
    public const string PrefixSetting = "Accounts:RedisKeyPrefix";

    /// <summary>Null: the embedded default keeps this state in the process and the database.</summary>
    public string? Configuration { get; init; }

    public string KeyPrefix { get; init; } = RedisKeys.DefaultPrefix;

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
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
        services.AddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            return new RedisSettings
            {
                Configuration = configuration[RedisSettings.Setting],
                KeyPrefix = configuration[RedisSettings.PrefixSetting] is { Length: > 0 } prefix ? prefix : RedisKeys.DefaultPrefix,
            };
        });
        services.AddAccountsRedis(sp => ParseRedis(sp.GetRequiredService<RedisSettings>()));
        services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<RedisSettings>().KeyPrefix));

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

    private static RedisOptions ParseRedis(RedisSettings settings)
    {
        try
        {
            return RedisOptions.Parse(settings.Configuration ?? throw new InvalidOperationException($"{RedisSettings.Setting} is not set."));
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{RedisSettings.Setting} is not valid: {ex.Message}", ex);
        }
    }
}
