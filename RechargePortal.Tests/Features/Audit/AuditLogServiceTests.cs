using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Audit;

public sealed class AuditLogServiceTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private AuditLogService AuditLog => app.Services.GetRequiredService<AuditLogService>();

    [Fact]
    public async Task The_log_filters_by_action_and_text_pages_newest_first_and_counts_the_whole_filter()
    {
        var admin = await app.AdminActorAsync();
        var (_, walletId) = await app.CreateFundedResellerAsync(Money.Zero);
        var wallets = app.Services.GetRequiredService<WalletService>();
        for (var i = 1; i <= 3; i++)
        {
            await wallets.CreditAsync(admin, walletId, Money.FromTaka(i * 100), $"AUDIT-REF-{i}", null, Guid.NewGuid().ToString());
        }

        var credits = await AuditLog.QueryAsync(admin, new AuditFilter(Action: AuditActions.WalletCredited, Search: "AUDIT-REF"), 0, 2);
        var secondPage = await AuditLog.QueryAsync(admin, new AuditFilter(Action: AuditActions.WalletCredited, Search: "AUDIT-REF"), 2, 2);
        var none = await AuditLog.QueryAsync(admin, new AuditFilter(From: new DateOnly(2001, 1, 1), To: new DateOnly(2001, 1, 2)), 0, 10);

        Assert.Equal(3, credits.Total);
        Assert.Equal(2, credits.Rows.Count);
        Assert.Contains("AUDIT-REF-3", credits.Rows[0].Details);
        Assert.Contains("AUDIT-REF-1", Assert.Single(secondPage.Rows).Details);
        Assert.Equal(0, none.Total);
    }

    [Fact]
    public async Task Creating_a_reseller_is_found_under_user_created()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);

        var page = await AuditLog.QueryAsync(await app.NewActorAsync(Roles.Auditor), new AuditFilter(Action: AuditActions.UserCreated, Search: email), 0, 10);

        Assert.Equal(email, Assert.Single(page.Rows).TargetDisplay);
    }
}
