using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
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

    [Theory]
    [InlineData(typeof(PortalDbContext), "Microsoft.EntityFrameworkCore.Sqlite")]
    [InlineData(typeof(PostgreSqlPortalDbContext), "Npgsql.EntityFrameworkCore.PostgreSQL")]
    public void Dotnet_ef_builds_each_sets_migrations_from_its_own_databases_model(Type context, string provider)
    {
        // EF's own search for a context's design-time factory: the first constructible type of the context's assembly that
        // is one. IDesignTimeDbContextFactory<out T> is covariant, so PostgreSQL's factory answers for PortalDbContext too
        // unless SQLite's comes first (it once wrote a SQLite migration from PostgreSQL's model).
        var wanted = typeof(IDesignTimeDbContextFactory<>).MakeGenericType(context);
        var factory = context.Assembly.DefinedTypes.First(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false } && wanted.IsAssignableFrom(t));

        using var db = (DbContext)wanted.GetMethod(nameof(IDesignTimeDbContextFactory<DbContext>.CreateDbContext))!.Invoke(Activator.CreateInstance(factory), [Array.Empty<string>()])!;

        Assert.Equal(context, db.GetType());
        Assert.Equal(provider, db.Database.ProviderName);
    }
}
