using Accounts.Core;
using Accounts.Core.Profiles;
using Accounts.Core.Recovery;
using Accounts.Core.Services;
using Accounts.Core.Sessions;
using Accounts.Core.Throttling;
using Accounts.Core.Users;
using Accounts.Core.Verification;
using Accounts.Delivery.Outbox;
using Accounts.Delivery.Smtp;
using Accounts.Delivery.Twilio;
using Accounts.Notifications;
using Accounts.Notifications.SocketIo;
using Accounts.Security;
using Accounts.Server.Deliveries;
using Accounts.Server.Http;
using Accounts.Server.Jobs;
using Accounts.Server.Notifications;
using Accounts.Storage;
using Accounts.Tcp;
using Accounts.Storage.Hosting;
using Accounts.Storage.MySql;
using Accounts.Storage.Postgres;
using Accounts.Storage.Sqlite;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Accounts.Server.Hosting;

/// <summary>The composition root: which adapter stands behind each port, and the HTTP pipeline around the use cases.</summary>
internal static class AccountsServices
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        // HTTP on the configured URLs (ASPNETCORE_URLS, --urls), loopback unless told otherwise: a fresh `dotnet run`
        // must not expose the service to the network. The binary TCP door shares Kestrel with HTTP, and an endpoint
        // configured in code makes Kestrel ignore the URLs, so every endpoint is bound here. (When URLs are given
        // explicitly Kestrel still logs that it "overrides" them; it binds exactly them.)
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : DefaultUrl;
        builder.WebHost.ConfigureKestrel((_, kestrel) =>
        {
            kestrel.ListenUrls(urls);
            kestrel.ListenAccountsTcp(kestrel.ApplicationServices.GetRequiredService<IOptions<TcpOptions>>().Value);
        });

        // Request lines carry the URL, and a hub connection's URL carries its access token (access_token=..., all a
        // browser can send on a WebSocket): these lines are off unless Logging:LogLevel asks for them by this name.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddAccountsOptions();

        string DataDirectory(IServiceProvider sp) => sp.GetRequiredService<ServerOptions>().FullDataDirectory;

        // Adapters of the embedded default; real servers replace them by configuration in later rooms.
        services.AddAccountsSecurity(DataDirectory);
        services.AddAccountsStorage(sp => CreateStorageProvider(sp, DataDirectory(sp)));
        services.AddSingleton(sp => new OutboxMessageSender(Path.Combine(DataDirectory(sp), "outbox.jsonl"), sp.GetRequiredService<TimeProvider>()));
        services.AddTwilio(builder.Configuration);
        services.AddSingleton<IMessageSender>(sp =>
        {
            var smtp = sp.GetRequiredService<SmtpOptions>();
            return new ChannelRouter(
                sp.GetRequiredService<OutboxMessageSender>(),
                smtp.Enabled ? new SmtpMessageSender(smtp) : null,
                sp.GetService<TwilioMessageSender>());
        });
        services.AddAccountsState();
        services.AddAccountsTcp<Tcp.AccountsTcpDispatcher>();
        services.AddAccountsJobs(builder.Configuration);
        services.AddCodeDelivery(builder.Configuration);
        // Outcomes of jobs on their way to their users: through Redis when it is configured, so that an outcome a
        // worker produces reaches a hub connection held by another process; in the process otherwise.
        services.AddAccountsNotifications(sp => sp.GetRequiredService<RedisSettings>().Enabled ? sp.GetRequiredService<Accounts.Storage.Redis.RedisKeys>().Prefix : null);
        services.AddSignalR();
        services.AddNotificationsHub();
        // The original messages server, when configured: every outcome is emitted there as event Profile too.
        services.AddSocketIoBridge(builder.Configuration);

        // The core: shared services, then one use case per operation.
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<CodeIssuer>();
        services.AddSingleton<CodeVerifier>();
        services.AddSingleton<PasswordGate>();
        services.AddSingleton<SessionIssuer>();
        services.AddSingleton<RequestVerificationCode>();
        services.AddSingleton<RegisterUser>();
        services.AddSingleton<SignIn>();
        services.AddSingleton<RefreshSession>();
        services.AddSingleton<SignOut>();
        services.AddSingleton<VerifyToken>();
        services.AddSingleton<ReadProfile>();
        services.AddSingleton<UpdateProfile>();
        services.AddSingleton<DeleteAccount>();
        services.AddSingleton<RequestPasswordReset>();
        services.AddSingleton<ConfirmPasswordReset>();
        services.AddSingleton<StartRegistration>();
        services.AddSingleton<CompleteRegistration>();

        // HTTP.
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Problems the framework writes itself (bad JSON, unknown route, limiter...) get a stable code and type too.
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            if (context.ProblemDetails.Extensions.TryAdd("code", Problems.CodeOf(status)))
            {
                context.ProblemDetails.Type = Problems.TypeOf((string)context.ProblemDetails.Extensions["code"]!);
            }
        });
        // A body that is not JSON is the client's fault: answer 400 ProblemDetails, not a 500 from a thrown exception.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        services.AddAuthentication(BearerTokenHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddAccountsRateLimits();
        services.AddOpenApi();
        services.AddOptions<ForwardedHeadersOptions>().Configure<HttpOptions>((forwarded, http) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in http.ParsedProxies())
            {
                forwarded.KnownProxies.Add(proxy);
            }
        });
        services.AddOptions<KestrelServerOptions>().Configure<ProfileOptions>((kestrel, profile) =>
            // The largest legitimate body is a profile image in base64 (4/3 of its bytes) plus the other fields.
            kestrel.Limits.MaxRequestBodySize = profile.MaxImageBytes / 3 * 4 + 64 * 1024);
        services.AddHealthChecks().AddAccountsStorageCheck("storage", "ready").AddCheck<Health.RedisHealthCheck>("redis", tags: ["ready"]);
        services.AddHostedService<StartupLog>();
        return builder;
    }

    public static WebApplication UseAccountsHttp(this WebApplication app)
    {
        // With no proxy listed the middleware would believe X-Forwarded-For from anyone: only install it when told whom to trust.
        if (app.Services.GetRequiredService<HttpOptions>().TrustedProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A dependency that does not answer is the service being unavailable, not a bug: 503, so clients retry.
            StatusCodeSelector = exception => exception is Accounts.Redis.RedisConnectionException or System.Data.Common.DbException or TimeoutException or System.Net.Mail.SmtpException
                ? StatusCodes.Status503ServiceUnavailable
                : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.Use(static (context, next) =>
        {
            // Answers carry tokens and personal data: no cache may keep them.
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    private static IServiceCollection AddAccountsOptions(this IServiceCollection services)
    {
        services.AddValidatedOptions<ServerOptions>(ServerOptions.Section)
            .Require("Accounts:DataDirectory", o => !string.IsNullOrWhiteSpace(o.DataDirectory), "must name a directory.")
            .Configure<IConfiguration>((o, configuration) => o.KeysConfigured = configuration.GetSection(KeysOptions.Section).Exists())
            .Require(
                "Accounts:DataDirectory",
                o => o.KeysConfigured || !File.Exists(Path.Combine(o.FullDataDirectory, "accounts.db")) || File.Exists(Path.Combine(o.FullDataDirectory, KeyRing.FileName)),
                $"holds accounts.db but not {KeyRing.FileName}: the keys that decrypt its data are missing. Restore {KeyRing.FileName} from backup (or configure Accounts:Keys); new keys would make the stored data unreadable.");
        services.AddOptions<StorageOptions>()
            .PostConfigure(o => o.Provider = o.Provider.Trim().ToLowerInvariant())
            .Validate(o => o.Provider is "sqlite" or "mysql" or "postgres", "Accounts:Storage:Provider must be sqlite, mysql or postgres.")
            .Validate<IConfiguration>(
                (o, configuration) => o.Provider == "sqlite" || !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Accounts")),
                "ConnectionStrings:Accounts must be set when Accounts:Storage:Provider is mysql or postgres.")
            .Validate<IConfiguration>(
                // Several processes share a server database: keys generated by each would not read each other's data.
                (o, configuration) => o.Provider == "sqlite" || configuration.GetSection(KeysOptions.Section).Exists(),
                "Accounts:Keys must be configured when Accounts:Storage:Provider is mysql or postgres: every process sharing the database needs the same keys (see docs/configuration.md).")
            .ValidateOnStart();
        services.AddValidatedOptions<SmtpOptions>(SmtpOptions.Section);
        services.AddSingleton<IValidateOptions<SmtpOptions>>(new MessageValidator<SmtpOptions>(o => o.Validate()));
        services.AddValidatedOptions<RedisSettings>(RedisSettings.Section)
            .Require(RedisSettings.Setting, o => o.ParseError() is null, "is not a valid Redis connection string (host[:port][,password=...,db=N,...]).");
        services.AddValidatedOptions<CodeOptions>(CodeOptions.Section)
            .Require("Accounts:Codes:Lifetime", o => o.Lifetime >= TimeSpan.FromMinutes(1) && o.Lifetime <= TimeSpan.FromDays(1), "must be between 00:01:00 and 1.00:00:00.")
            .Require("Accounts:Codes:MaxAttempts", o => o.MaxAttempts is >= 1 and <= 20, "must be between 1 and 20.")
            .Require("Accounts:Codes:PerDestinationLimit", o => o.PerDestinationLimit >= 1, "must be at least 1.")
            .Require("Accounts:Codes:PerDestinationWindow", o => o.PerDestinationWindow > TimeSpan.Zero, "must be positive.")
            .Require("Accounts:Codes:PerAddressLimit", o => o.PerAddressLimit >= 1, "must be at least 1.")
            .Require("Accounts:Codes:PerAddressWindow", o => o.PerAddressWindow > TimeSpan.Zero, "must be positive.");
        services.AddValidatedOptions<OtpOptions>(OtpOptions.Section)
            .Require("Accounts:Otp:Expiry", o => o.Expiry >= TimeSpan.FromMinutes(1) && o.Expiry <= TimeSpan.FromDays(1), "must be between 00:01:00 and 1.00:00:00.");
        services.AddValidatedOptions<LockoutOptions>(LockoutOptions.Section)
            .Require("Accounts:Lockout:Threshold", o => o.Threshold >= 1, "must be at least 1.")
            .Require("Accounts:Lockout:Duration", o => o.Duration > TimeSpan.Zero, "must be positive.");
        services.AddValidatedOptions<TokenOptions>(TokenOptions.Section)
            .Require("Accounts:Tokens:Issuer", o => !string.IsNullOrWhiteSpace(o.Issuer), "must not be empty.")
            .Require("Accounts:Tokens:Audience", o => !string.IsNullOrWhiteSpace(o.Audience), "must not be empty.")
            .Require("Accounts:Tokens:AccessTokenLifetime", o => o.AccessTokenLifetime >= TimeSpan.FromMinutes(1) && o.AccessTokenLifetime <= TimeSpan.FromHours(24), "must be between 00:01:00 and 1.00:00:00.")
            .Require("Accounts:Tokens:RefreshTokenLifetime", o => o.RefreshTokenLifetime > TimeSpan.Zero, "must be positive.")
            .Require("Accounts:Tokens:SessionLifetime", o => o.SessionLifetime > TimeSpan.Zero, "must be positive.");
        services.AddValidatedOptions<ProfileOptions>(ProfileOptions.Section)
            .Require("Accounts:Profile:MaxImageBytes", o => o.MaxImageBytes is >= 1024 and <= 16 * 1024 * 1024, "must be between 1024 and 16777216.");
        services.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.Section)
            .Require("Accounts:RateLimits:AuthPermitLimit", o => o.AuthPermitLimit >= 1, "must be at least 1.")
            .Require("Accounts:RateLimits:AuthWindow", o => o.AuthWindow > TimeSpan.Zero, "must be positive.");
        services.AddValidatedOptions<HttpOptions>(HttpOptions.Section)
            .Require("Accounts:Http:TrustedProxies", o => o.TrustedProxies.All(p => System.Net.IPAddress.TryParse(p, out _)), "must hold IP addresses only.");
        services.AddValidatedOptions<PasswordHashingOptions>(PasswordHashingOptions.Section);
        services.AddSingleton<IValidateOptions<PasswordHashingOptions>>(new MessageValidator<PasswordHashingOptions>(o => o.Validate()));
        services.AddValidatedOptions<KeysOptions>(KeysOptions.Section);
        return services;
    }

    /// <summary>
    /// The engine named by <c>Accounts:Storage:Provider</c>, on <c>ConnectionStrings:Accounts</c>; SQLite defaults to
    /// <c>accounts.db</c> in the data directory.
    /// </summary>
    private static StorageProvider CreateStorageProvider(IServiceProvider sp, string dataDirectory)
    {
        var provider = sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
        var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString("Accounts");
        return provider switch
        {
            "sqlite" => SqliteStorage.CreateProvider(string.IsNullOrWhiteSpace(connectionString)
                ? Path.Combine(EnsureDirectory(dataDirectory), "accounts.db")
                : connectionString.Contains('=', StringComparison.Ordinal)
                    ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource
                    : connectionString),
            "mysql" => MySqlStorage.CreateProvider(connectionString!),
            "postgres" => PostgresStorage.CreateProvider(connectionString!),
            _ => throw new InvalidOperationException($"Accounts:Storage:Provider must be sqlite, mysql or postgres, not '{provider}'."),
        };
    }

    private static string EnsureDirectory(string path)
    {
        // The data directory holds the keys and the outbox: only its owner may enter it.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
