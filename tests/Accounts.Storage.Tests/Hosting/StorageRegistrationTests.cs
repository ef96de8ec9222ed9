using Accounts.Core.Audit;
using Accounts.Core.Sessions;
using Accounts.Core.Users;
using Accounts.Core.Verification;
using Accounts.Storage.Tests.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Accounts.Storage.Tests.Hosting;

/// <summary>What a host gets from AddSqliteStorage: the ports, migration at start (switchable) and a readiness check.</summary>
public sealed class StorageRegistrationTests : IAsyncDisposable
{
    private readonly string _folder = SqliteTestFolder.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await SqliteTestFolder.Delete(_folder);

    [Fact]
    public async Task HostGetsEveryPortOverAMigratedDatabase()
    {
        using var host = BuildHost(migrateOnStart: null);

        await host.StartAsync(Ct);

        host.Services.GetRequiredService<IUserStore>().ShouldNotBeNull();
        host.Services.GetRequiredService<IVerificationCodeStore>().ShouldNotBeNull();
        host.Services.GetRequiredService<ISessionStore>().ShouldNotBeNull();
        host.Services.GetRequiredService<ILockoutStore>().ShouldNotBeNull();
        host.Services.GetRequiredService<IAuditLog>().ShouldNotBeNull();
        (await host.Services.GetRequiredService<SchemaMigrator>().CheckAsync(Ct)).IsCurrent.ShouldBeTrue();
        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct)).Status.ShouldBe(HealthStatus.Healthy);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task MigrationAtStartCanBeSwitchedOff()
    {
        using var host = BuildHost(migrateOnStart: false);

        await host.StartAsync(Ct);

        var migrator = host.Services.GetRequiredService<SchemaMigrator>();
        (await migrator.CheckAsync(Ct)).CurrentVersion.ShouldBe(0);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        report.Status.ShouldBe(HealthStatus.Unhealthy);
        report.Entries["storage"].Description.ShouldNotBeNull().ShouldContain("version 0");

        await migrator.MigrateAsync(Ct);

        (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct)).Status.ShouldBe(HealthStatus.Healthy);
        await host.StopAsync(Ct);
    }

    private IHost BuildHost(bool? migrateOnStart)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (migrateOnStart is { } value)
        {
            builder.Configuration.AddInMemoryCollection([new("Accounts:Storage:MigrateOnStart", value ? "true" : "false")]);
        }

        builder.Services.AddSqliteStorage(Path.Combine(_folder, "accounts.db"));
        builder.Services.AddHealthChecks().AddAccountsStorageCheck(tags: "ready");
        return builder.Build();
    }
}
