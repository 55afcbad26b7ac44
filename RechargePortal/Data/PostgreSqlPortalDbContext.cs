using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace RechargePortal.Data;

/// <summary>
/// The portal's model on PostgreSQL, with its own migrations (<c>Data/Migrations/PostgreSql</c>). The model is
/// <see cref="PortalDbContext"/>'s; only what PostgreSQL reads differently is changed here: the column names inside
/// CHECK constraints and index filters are quoted (PostgreSQL folds an unquoted name to lower case, and EF creates
/// the columns with their case).
/// </summary>
public sealed class PostgreSqlPortalDbContext(DbContextOptions<PortalDbContext> options) : PortalDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            var columns = entity.GetProperties().Select(p => p.GetColumnName()).Distinct().ToList();
            foreach (var check in entity.GetCheckConstraints().ToList())
            {
                var name = check.ModelName;
                var sql = QuoteColumns(check.Sql, columns);
                entity.RemoveCheckConstraint(name);
                entity.AddCheckConstraint(name, sql);
            }

            foreach (var index in entity.GetIndexes())
            {
                if (index.GetFilter() is { } filter)
                {
                    index.SetFilter(QuoteColumns(filter, columns));
                }
            }
        }
    }

    /// <summary>Puts double quotes round each of <paramref name="columns"/> in <paramref name="sql"/>, outside string literals.</summary>
    internal static string QuoteColumns(string sql, IReadOnlyCollection<string> columns)
    {
        var pattern = new Regex(@"(?<![""\w])(" + string.Join("|", columns.OrderByDescending(c => c.Length).Select(Regex.Escape)) + @")(?![""\w])");
        var parts = sql.Split('\'');
        for (var i = 0; i < parts.Length; i += 2)
        {
            parts[i] = pattern.Replace(parts[i], "\"$1\"");
        }

        return string.Join('\'', parts);
    }
}

/// <summary>Makes <see cref="PostgreSqlPortalDbContext"/> for the app, where services ask for <see cref="PortalDbContext"/>.</summary>
public sealed class PostgreSqlPortalDbContextFactory(DbContextOptions<PortalDbContext> options) : IDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext() => new PostgreSqlPortalDbContext(options);
}
