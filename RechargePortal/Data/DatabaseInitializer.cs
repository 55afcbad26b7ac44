using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;

namespace RechargePortal.Data;

/// <summary>
/// Brings the database to the current schema (migrations, never EnsureCreated), switches it to
/// WAL, creates the roles, and creates the first admin when there is none.
/// </summary>
public sealed class DatabaseInitializer(
    PortalDbContext db,
    UserManager<PortalUser> userManager,
    RoleManager<IdentityRole> roleManager,
    IOptions<SeedOptions> seed,
    TimeProvider time,
    ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            await CreatePostgreSqlDatabaseAsync(db.Database.GetConnectionString()!, ct);
            // Likewise the migrations' own table: Npgsql's Migrate reads it before creating it, and logs that read's failure.
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), ct);
        }

        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers (reports, pages) run while a recharge writes; the setting sticks to the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            // Keeps the query planner's statistics fresh (cheap: it only analyzes tables that need it).
            await db.Database.ExecuteSqlRawAsync("PRAGMA optimize;", ct);
        }

        foreach (var role in Roles.All)
        {
            if (!await roleManager.RoleExistsAsync(role))
            {
                await roleManager.CreateAsync(new IdentityRole(role));
            }
        }

        await CommissionService.EnsureDefaultPlanAsync(db, time.GetUtcNow().UtcDateTime, ct);
        await SeedFirstAdminAsync(ct);
        await OpenMissingResellerWalletsAsync(ct);
    }

    /// <summary>
    /// Creates the PostgreSQL database when it is missing, from the server's maintenance database: EF Core would too,
    /// but only after its first connection failed and was logged as an error, which an operator reads as a fault.
    /// </summary>
    private async Task CreatePostgreSqlDatabaseAsync(string connectionString, CancellationToken ct)
    {
        var target = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var maintenance = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new Npgsql.NpgsqlConnection(maintenance.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
        }
        catch (Npgsql.NpgsqlException e)
        {
            // A role kept out of the maintenance database: the portal's own database must exist already; migrations say if not.
            logger.LogInformation("Could not look for the database from 'postgres' ({Reason}); migrating it as it is.", e.Message);
            return;
        }

        await using var exists = new Npgsql.NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", target.Database!);
        if (await exists.ExecuteScalarAsync(ct) is not null)
        {
            return;
        }

        await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{target.Database!.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(ct);
            logger.LogInformation("Created the PostgreSQL database {Database}.", target.Database);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == "42P04")
        {
            // Another instance created it a moment ago.
        }
    }

    // Every reseller has a wallet; accounts from before wallets existed get theirs here.
    private async Task OpenMissingResellerWalletsAsync(CancellationToken ct)
    {
        var resellerRoleId = await db.Roles.Where(r => r.Name == Roles.Reseller).Select(r => r.Id).SingleAsync(ct);
        var missing = await db.UserRoles.Where(ur => ur.RoleId == resellerRoleId && !db.Wallets.Any(w => w.UserId == ur.UserId))
            .Select(ur => ur.UserId).ToListAsync(ct);
        foreach (var userId in missing)
        {
            db.Wallets.Add(Wallet.OpenFor(userId, time.GetUtcNow().UtcDateTime));
        }

        await db.SaveChangesAsync(ct);
    }

    private async Task SeedFirstAdminAsync(CancellationToken ct)
    {
        if ((await userManager.GetUsersInRoleAsync(Roles.Admin)).Count > 0)
        {
            return;
        }

        var options = seed.Value;
        if (await userManager.FindByEmailAsync(options.AdminEmail) is not null)
        {
            // Never touch an existing account, even one that lost its role.
            logger.LogWarning("No admin exists, but {Email} is taken by another account; not seeding an admin.", options.AdminEmail);
            return;
        }

        var generated = string.IsNullOrEmpty(options.AdminPassword);
        var password = generated ? PasswordGenerator.Generate(20) : options.AdminPassword!;
        var admin = new PortalUser
        {
            UserName = options.AdminEmail,
            Email = options.AdminEmail,
            EmailConfirmed = true,
            FullName = options.AdminFullName,
            CreatedAtUtc = time.GetUtcNow().UtcDateTime,
            // A password from Seed:AdminPassword was chosen by the operator; a generated one was shown on a console.
            MustChangePassword = generated,
        };

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var created = await userManager.CreateAsync(admin, password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(
                "The first admin could not be created from Seed:AdminEmail/Seed:AdminPassword: "
                + string.Join(" ", created.Errors.Select(e => e.Description)));
        }

        await userManager.AddToRoleAsync(admin, Roles.Admin);
        db.AuditEntries.Add(AuditEntry.Create(
            time.GetUtcNow().UtcDateTime, actorId: null, actorEmail: "system", AuditActions.AdminSeeded,
            AuditTargets.User, admin.Id, admin.Email, generated ? "generated password" : "password from configuration"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        logger.LogInformation("Created the first admin account {Email}.", admin.Email);
        if (generated)
        {
            // Deliberately not through ILogger: the one-time password must not reach log sinks.
            Console.WriteLine(
                $"""

                 ==================================================================
                  RechargePortal: first admin account created
                    Email:    {admin.Email}
                    Password: {password}
                  This password is shown only once. Sign in and change it under
                  your account menu. Set Seed:AdminPassword to choose it yourself.
                 ==================================================================

                """);
        }
    }
}
