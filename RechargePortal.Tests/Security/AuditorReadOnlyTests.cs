using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Users;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Providers.Routing;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary>Auditors read; they cannot change anything anywhere, whatever they call.</summary>
public sealed class AuditorReadOnlyTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    /// <summary>Every page an auditor may open. Adding an auditor to any other page must be a decision, made here.</summary>
    private static readonly string[] AuditorPages =
    [
        "/", "/audit", "/auditor/wallets", "/auditor/wallets/{WalletId:long}", "/reports/transactions", "/reports/summary", "/reports/reconciliation",
    ];

    [Fact]
    public async Task Every_action_the_portal_offers_refuses_an_auditor_and_changes_nothing()
    {
        var (resellerId, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(1_000));
        await using (var db = await app.DbAsync())
        {
            await ReportData.AddAsync(db, ReportData.Recharge(resellerId, walletId, DateTime.UtcNow.AddHours(-1), 100, RechargeStatus.NeedsReview));
        }

        var auditor = await ActorAsync(await app.CreateUserAsync(Roles.Auditor));
        long rechargeId, planId;
        await using (var db = await app.DbAsync())
        {
            rechargeId = await db.Set<Recharge>().Where(r => r.ResellerId == resellerId).Select(r => r.Id).SingleAsync();
            planId = await db.CommissionPlans.Select(p => p.Id).FirstAsync();
        }

        var before = await DatabaseContentAsync();
        var services = app.Services;
        var wallets = services.GetRequiredService<WalletService>();
        var commissions = services.GetRequiredService<CommissionService>();
        var recharges = services.GetRequiredService<RechargeService>();
        var reviews = services.GetRequiredService<ReviewQueueService>();
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserAdminService>();

        Assert.False((await wallets.CreditAsync(auditor, walletId, Money.FromTaka(500), "X", "by an auditor", Guid.NewGuid().ToString())).Succeeded);
        Assert.False((await wallets.DebitAsync(auditor, walletId, Money.FromTaka(500), "X", "by an auditor", Guid.NewGuid().ToString())).Succeeded);
        Assert.False((await users.CreateAsync(auditor, new NewUserForm { Email = "new@test.local", FullName = "New", Role = Roles.Admin, Password = PortalAppFactory.UserPassword })).Succeeded);
        Assert.False((await users.LockAsync(auditor, resellerId)).Succeeded);
        Assert.False((await users.UnlockAsync(auditor, resellerId)).Succeeded);
        Assert.False((await users.ResetPasswordAsync(auditor, resellerId, "Another-Pass-9999")).Succeeded);
        Assert.False((await users.ChangeRoleAsync(auditor, auditor.UserId, Roles.Admin)).Succeeded);
        Assert.False((await commissions.CreatePlanAsync(auditor, "Auditor plan", PackCommissionMode.VendorPackCommission)).Succeeded);
        Assert.False((await commissions.SetRateAsync(auditor, planId, MobileOperator.Robi, NumberType.Prepaid, "9")).Succeeded);
        Assert.False((await commissions.SetPackModeAsync(auditor, planId, PackCommissionMode.VendorPackCommission)).Succeeded);
        Assert.False((await commissions.MakeDefaultAsync(auditor, planId)).Succeeded);
        Assert.False((await commissions.AssignAsync(auditor, walletId, planId)).Succeeded);
        Assert.False((await services.GetRequiredService<ProviderAdminService>().SetPausedAsync(auditor, "Ecare", true)).Succeeded);
        Assert.Null(await services.GetRequiredService<ProviderAdminService>().CheckBalanceNowAsync(auditor, "Ecare"));
        Assert.Null(await services.GetRequiredService<RechargePortal.Features.Offers.OfferPackService>().RefreshNowAsync(auditor, "Ecare"));
        Assert.False((await services.GetRequiredService<RoutingService>().SetRouteAsync(auditor, MobileOperator.Robi, ["Flexi"])).Succeeded);
        Assert.False((await recharges.PlaceAsync(auditor, new RechargeForm { Number = "01712345678", Amount = "100" }, Guid.NewGuid().ToString("N"), false)).Succeeded);
        Assert.Null(await reviews.CheckNowAsync(auditor, rechargeId));
        Assert.False((await reviews.ResolveAsync(auditor, rechargeId, successful: true, "an auditor says so", overrideAnswer: true)).Succeeded);

        Assert.Equal(before, await DatabaseContentAsync());
    }

    [Fact]
    public void The_only_pages_an_auditor_can_open_are_the_read_only_ones()
    {
        var pages = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t))
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => (Type: t, r.Template)))
            .Where(p => !p.Template.StartsWith("/Account", StringComparison.OrdinalIgnoreCase))
            .ToList();

        var auditorCanOpen = pages
            .Where(p => p.Type.GetCustomAttributes<AuthorizeAttribute>(inherit: true).ToList() is { Count: > 0 } rules
                ? rules.All(a => a.Roles is null || a.Roles.Split(',').Select(r => r.Trim()).Contains(Roles.Auditor))
                : !p.Type.IsDefined(typeof(AllowAnonymousAttribute)))
            .Select(p => p.Template)
            .Where(t => t != "/not-found" && t != "/Error")
            .Order(StringComparer.Ordinal);

        Assert.Equal(AuditorPages.Order(StringComparer.Ordinal), auditorCanOpen);
    }

    private async Task<Actor> ActorAsync(string email)
    {
        var user = await app.FindUserAsync(email);
        return new Actor(user.Id, email, user.SecurityStamp);
    }

    /// <summary>Every row of every table, except what only records observations of the providers.</summary>
    private async Task<string> DatabaseContentAsync()
    {
        string[] observations = ["UpstreamCalls", "ProviderBalanceHistory", "OfferPacks", "__EFMigrationsHistory"];
        await using var db = await app.DbAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        // Every table of the model (on SQLite and PostgreSQL alike); the migrations history is not in it and not wanted.
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.Contains("Recharges", tables);
        var content = new StringBuilder();
        foreach (var table in tables.Except(observations))
        {
            await using var select = connection.CreateCommand();
            // Provider states also hold the last balance read, an observation; whether it is paused is not.
            select.CommandText = table == "ProviderStates" ? "SELECT \"Name\", \"Paused\" FROM \"ProviderStates\" ORDER BY \"Name\"" : $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            content.Append('#').AppendLine(table);
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                var row = new StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row.Append(reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                }

                rows.Add(row.ToString());
            }

            // Sorted here: a database may return unordered rows in any order.
            foreach (var row in rows.Order(StringComparer.Ordinal))
            {
                content.AppendLine(row);
            }
        }

        return content.ToString();
    }
}
