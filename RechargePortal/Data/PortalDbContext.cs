using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using RechargePortal.Features.Api;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;

namespace RechargePortal.Data;

/// <summary>
/// The portal's database. This type is SQLite's (its migrations are in <c>Data/Migrations</c>);
/// <see cref="PostgreSqlPortalDbContext"/> is the same model on PostgreSQL, with its own migrations.
/// </summary>
public class PortalDbContext(DbContextOptions<PortalDbContext> options)
    : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    /// <summary>The Data Protection key ring (sign-in and antiforgery cookies): in the database, so a restart or another instance keeps everyone signed in.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Sign-ins and how each ended: a sign-in cookie opens the portal only while its session is going.</summary>
    public DbSet<UserSession> UserSessions => Set<UserSession>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <summary>The scope of the write transaction being begun (<see cref="WriteTransactions.BeginWriteAsync"/>); null: the whole write lock.</summary>
    internal WriteScope? PendingWriteScope { get; set; }
    public DbSet<Wallet> Wallets => Set<Wallet>();
    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();
    public DbSet<CommissionPlan> CommissionPlans => Set<CommissionPlan>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);

        builder.Entity<PortalUser>(user =>
        {
            user.Property(u => u.FullName).HasMaxLength(100);
            // The reseller tree: a parent cannot be deleted from under its children.
            user.HasOne<PortalUser>().WithMany().HasForeignKey(u => u.ParentId).OnDelete(DeleteBehavior.Restrict);
            user.HasIndex(u => u.ParentId);
        });
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no time zone; every DateTime in this database is UTC and comes back marked so.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseEditsToAppendOnlyRows();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseEditsToAppendOnlyRows();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void RefuseEditsToAppendOnlyRows()
    {
        var edited = ChangeTracker.Entries<IAppendOnly>()
            .FirstOrDefault(e => e.State is EntityState.Modified or EntityState.Deleted);
        if (edited is not null)
        {
            throw new InvalidOperationException(
                $"{edited.Entity.GetType().Name} rows are append-only; write a correcting entry instead.");
        }
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
