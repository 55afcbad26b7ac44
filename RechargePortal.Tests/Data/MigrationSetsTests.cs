using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;

namespace RechargePortal.Tests.Data;

/// <summary>Each database has its own migration set; both must build the schema the model describes.</summary>
public sealed class MigrationSetsTests
{
    [Fact]
    public void The_sqlite_migrations_leave_no_model_change_behind()
    {
        using var db = new PortalDbContext(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite("Data Source=:memory:").Options);

        Assert.False(db.Database.HasPendingModelChanges(), "Add a migration: dotnet ef migrations add <Name> --context PortalDbContext");
    }

    [Fact]
    public void The_postgresql_migrations_leave_no_model_change_behind()
    {
        using var db = new PostgreSqlDesignTimeFactory().CreateDbContext([]);

        Assert.False(db.Database.HasPendingModelChanges(), "Add a migration: dotnet ef migrations add <Name> --context PostgreSqlPortalDbContext");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void The_two_sets_are_apart_and_postgresql_sees_quoted_columns_in_its_checks()
    {
        using var sqlite = new PortalDbContext(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite("Data Source=:memory:").Options);
        using var postgres = new PostgreSqlDesignTimeFactory().CreateDbContext([]);

        Assert.Empty(sqlite.Database.GetMigrations().Intersect(postgres.Database.GetMigrations()));
        Assert.Equal(
            "(\"Kind\" IN ('Deposit', 'RechargeRefund')) AND \"AmountPoisha\" > 0",
            PostgreSqlPortalDbContext.QuoteColumns("(Kind IN ('Deposit', 'RechargeRefund')) AND AmountPoisha > 0", ["Kind", "AmountPoisha", "Amount"]));
    }
}
