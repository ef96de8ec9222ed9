using System.Data.Common;
using Accounts.Storage;

namespace Accounts.Storage.Tests;

public abstract partial class StoreContract
{
    [Fact]
    public async Task MigratingAgainIsANoOp()
    {
        (await Storage.Migrator.MigrateAsync(Ct)).ShouldBeEmpty();

        (await Storage.Migrator.CheckAsync(Ct)).IsCurrent.ShouldBeTrue();
    }

    [Fact]
    public async Task CheckReportsCurrentAfterMigrating()
    {
        var status = await Storage.Migrator.CheckAsync(Ct);

        status.Reachable.ShouldBeTrue();
        status.Error.ShouldBeNull();
        status.ExpectedVersion.ShouldBeGreaterThanOrEqualTo(1);
        status.CurrentVersion.ShouldBe(status.ExpectedVersion);
        status.PendingVersions.ShouldBeEmpty();
        status.IsCurrent.ShouldBeTrue();
        status.Provider.ShouldBe(Storage.Provider.Name);
    }

    [Fact]
    public async Task CheckReportsNotCurrentGivenEmptyDatabase()
    {
        var database = await CreateEmptyDatabaseAsync();
        var migrator = new SchemaMigrator(database.Provider, Time);

        var status = await migrator.CheckAsync(Ct);

        status.Reachable.ShouldBeTrue();
        status.Error.ShouldBeNull();
        status.CurrentVersion.ShouldBe(0);
        status.PendingVersions.ShouldBe(Enumerable.Range(1, migrator.ExpectedVersion));
        status.IsCurrent.ShouldBeFalse();
    }

    [Fact]
    public async Task MigrateAppliesEveryScriptOfAnEmptyDatabaseInOrder()
    {
        var database = await CreateEmptyDatabaseAsync();
        var migrator = new SchemaMigrator(database.Provider, Time);

        var applied = await migrator.MigrateAsync(Ct);

        applied.Select(m => m.Version).ShouldBe(Enumerable.Range(1, migrator.ExpectedVersion));
        applied[0].Name.ShouldBe("initial");
        (await migrator.CheckAsync(Ct)).IsCurrent.ShouldBeTrue();
    }

    [Fact]
    public async Task ConcurrentMigrationsApplyEachScriptOnce()
    {
        // Several processes starting at once against one empty database.
        var database = await CreateEmptyDatabaseAsync();
        var migrators = Enumerable.Range(0, 4).Select(_ => new SchemaMigrator(database.CreateProvider(), Time)).ToList();

        var applied = await RaceAsync(migrators.Count, i => migrators[i].MigrateAsync(Ct));

        applied.SelectMany(a => a).Select(m => m.Version).Order().ShouldBe(Enumerable.Range(1, migrators[0].ExpectedVersion));
        (await migrators[0].CheckAsync(Ct)).IsCurrent.ShouldBeTrue();
    }

    [Fact]
    public async Task CheckReportsUnreachableGivenBadTarget()
    {
        await using var provider = CreateUnreachableProvider();
        var migrator = new SchemaMigrator(provider, Time);

        var status = await migrator.CheckAsync(Ct);

        status.Reachable.ShouldBeFalse();
        status.IsCurrent.ShouldBeFalse();
        status.CurrentVersion.ShouldBeNull();
        status.Error.ShouldNotBeNullOrWhiteSpace();
        status.Provider.ShouldBe(provider.Name);
    }

    [Fact]
    public async Task MigrateThrowsGivenBadTarget()
    {
        await using var provider = CreateUnreachableProvider();

        await Should.ThrowAsync<DbException>(() => new SchemaMigrator(provider, Time).MigrateAsync(Ct));
    }
}
