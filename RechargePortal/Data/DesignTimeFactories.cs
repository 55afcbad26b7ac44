using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace RechargePortal.Data;

// `dotnet ef migrations add … --context <context>` builds the model with one of these, no server needed. Keep the SQLite
// factory first in this file: IDesignTimeDbContextFactory<out T> is covariant, so the PostgreSQL factory also answers
// EF's search for a PortalDbContext factory (the first constructible type, in declaration order), and would write the
// SQLite set's migration from PostgreSQL's model. DesignTimeFactoryTests checks what EF finds for each context.

/// <summary>For <c>--context PortalDbContext</c>: SQLite's model (<c>Data/Migrations</c>).</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite("Data Source=recharge-portal-design.db").Options);
}

/// <summary>For <c>--context PostgreSqlPortalDbContext</c>: PostgreSQL's model (<c>Data/Migrations/PostgreSql</c>).</summary>
public sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlPortalDbContext>
{
    public PostgreSqlPortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseNpgsql("Host=localhost;Database=recharge_portal_design").Options);
}
