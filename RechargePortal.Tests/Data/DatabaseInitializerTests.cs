using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Data;

public sealed class DatabaseInitializerTests
{
    [Fact]
    public async Task First_start_creates_the_schema_by_migrations_in_wal_mode_with_roles_and_the_admin()
    {
        using var app = new PortalAppFactory();
        _ = app.Services; // starts the host

        await using var db = await app.DbAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
        if (db.Database.IsSqlite())
        {
            var journal = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();
            Assert.Equal("wal", journal.Single());
        }
        Assert.Equal(Roles.All.Order(), (await db.Roles.Select(r => r.Name!).ToListAsync()).Order());
        Assert.Single(await db.AuditEntries.Where(e => e.Action == AuditActions.AdminSeeded).ToListAsync());
        await app.SignedInClientAsync(PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
    }

    [Fact]
    public async Task A_restart_with_another_seed_password_never_resets_the_existing_admin()
    {
        var path = PortalAppFactory.NewDatabasePath();
        try
        {
            using (var first = new PortalAppFactory(path, new Dictionary<string, string?>()))
            {
                _ = first.Services;
            }

            using var second = new PortalAppFactory(path, new Dictionary<string, string?> { ["Seed:AdminPassword"] = "Another-Password-999" });
            await second.SignedInClientAsync(PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);
            await using var db = await second.DbAsync();
            Assert.Single(await db.AuditEntries.Where(e => e.Action == AuditActions.AdminSeeded).ToListAsync());
            Assert.Single(await db.Users.ToListAsync());
        }
        finally
        {
            PortalAppFactory.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task Without_a_configured_password_the_admin_gets_a_generated_strong_one()
    {
        using var app = new PortalAppFactory(null, new Dictionary<string, string?> { ["Seed:AdminPassword"] = "" });
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();

        var admin = await users.FindByEmailAsync(PortalAppFactory.AdminEmail);

        Assert.NotNull(admin);
        Assert.True(await users.IsInRoleAsync(admin, Roles.Admin));
        Assert.NotNull(admin.PasswordHash);
        Assert.False(await users.CheckPasswordAsync(admin, PortalAppFactory.AdminPassword));
        // Only shown once on the console: the operator replaces it at the first sign-in.
        Assert.True(admin.MustChangePassword);
    }

    [Fact]
    public void Generated_passwords_pass_the_portals_password_rules()
    {
        for (var i = 0; i < 200; i++)
        {
            var password = PasswordGenerator.Generate();
            Assert.True(password.Length >= 12);
            Assert.Contains(password, char.IsUpper);
            Assert.Contains(password, char.IsLower);
            Assert.Contains(password, char.IsDigit);
        }
    }

    [Fact]
    public async Task Audit_entries_cannot_be_edited_or_deleted()
    {
        using var app = new PortalAppFactory();
        await using var db = await app.DbAsync();
        var entry = await db.AuditEntries.FirstAsync();

        db.AuditEntries.Remove(entry);

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }
}
