using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Reports;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary>
/// Reads of other people's data check the actor in the service, not only the page: admins and auditors
/// read everything, a reseller only their own, and a locked or stale session nothing (AccessRefusedException, 403 over HTTP).
/// </summary>
public sealed class ReadGuardTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);
    private static readonly ReportFilter ThisWeek = ReportFilter.ForDays(Today.AddDays(-6), Today);

    private static ReportFilter ThisWeekOf(string resellerId) => new() { From = ThisWeek.From, To = ThisWeek.To, ResellerId = resellerId };

    private ReportService Reports => app.Services.GetRequiredService<ReportService>();

    private WalletService Wallets => app.Services.GetRequiredService<WalletService>();

    private AuditLogService AuditLog => app.Services.CreateScope().ServiceProvider.GetRequiredService<AuditLogService>();

    private ProviderAdminService Providers => app.Services.GetRequiredService<ProviderAdminService>();

    private RechargeService Recharges => app.Services.GetRequiredService<RechargeService>();

    private ReviewQueueService Reviews => app.Services.GetRequiredService<ReviewQueueService>();

    private async Task<(Actor Actor, long WalletId)> ResellerAsync()
    {
        var (userId, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(500));
        await using var db = await app.DbAsync();
        var email = db.Users.Single(u => u.Id == userId).Email!;
        return (await app.ActorAsync(email), walletId);
    }

    /// <summary>Locked as too many wrong passwords lock an account: the security stamp, so the session cookie, stays as it was.</summary>
    private async Task LockAsync(Actor actor)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = await users.FindByIdAsync(actor.UserId);
        Assert.True((await users.SetLockoutEndDateAsync(user!, DateTimeOffset.UtcNow.AddHours(1))).Succeeded);
    }

    [Fact]
    public async Task A_reseller_cannot_read_another_resellers_wallet_statement_balance_or_recharges()
    {
        var (me, myWallet) = await ResellerAsync();
        var (other, otherWallet) = await ResellerAsync();

        await Assert.ThrowsAsync<AccessRefusedException>(() => Wallets.StatementAsync(me, otherWallet, Today, Today));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Wallets.BalanceOfAsync(me, otherWallet));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Wallets.FindByUserAsync(me, other.UserId));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Recharges.HistoryAsync(me, other.UserId, new HistoryFilter(), 0, 10));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Reports.TodayAsync(me, other.UserId));
        // A wallet that does not exist is refused too: a reseller learns nothing of other ids.
        await Assert.ThrowsAsync<AccessRefusedException>(() => Wallets.StatementAsync(me, long.MaxValue, Today, Today));

        Assert.Equal(myWallet, (await Wallets.StatementAsync(me, myWallet, Today, Today))!.WalletId);
        Assert.Equal(Money.FromTaka(500), await Wallets.BalanceOfAsync(me, myWallet));
        Assert.Equal(myWallet, (await Wallets.FindByUserAsync(me, me.UserId))!.Id);
        Assert.Equal(0, (await Recharges.HistoryAsync(me, me.UserId, new HistoryFilter(), 0, 10)).Total);
        Assert.Equal(0, (await Reports.TodayAsync(me, me.UserId)).Count);
    }

    [Fact]
    public async Task A_reseller_cannot_read_reports_beyond_their_own_the_audit_log_the_call_log_the_review_queue_or_every_wallet()
    {
        var (reseller, _) = await ResellerAsync();
        var (other, _) = await ResellerAsync();

        await Assert.ThrowsAsync<AccessRefusedException>(() => Reports.TransactionsAsync(reseller, ThisWeekOf(other.UserId), TransactionSort.Time, true, 0, 25));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Reports.TotalsAsync(reseller, ThisWeekOf(other.UserId)));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Reports.StreamAsync(reseller, ThisWeekOf(other.UserId)));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Reports.SummaryAsync(reseller, ThisWeek));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Reports.ReconciliationAsync(reseller, ThisWeek.From, ThisWeek.To));
        Assert.Equal([reseller.UserId], (await Reports.ResellersAsync(reseller)).Select(r => r.Id));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Reports.TodayAsync(reseller, null));
        await Assert.ThrowsAsync<AccessRefusedException>(() => AuditLog.QueryAsync(reseller, new AuditFilter(), 0, 25));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Providers.CallsAsync(reseller, null, 0, 25));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Reviews.QueueAsync(reseller));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Wallets.ListAsync(reseller));
    }

    [Fact]
    public async Task An_auditor_reads_reports_the_audit_log_the_call_log_and_any_wallet()
    {
        var (reseller, walletId) = await ResellerAsync();
        var auditor = await app.NewActorAsync(Roles.Auditor);

        Assert.Equal(0, (await Reports.TotalsAsync(auditor, ThisWeekOf(reseller.UserId))).Count);
        Assert.Equal(7, (await Reports.SummaryAsync(auditor, ThisWeek)).ByDay.Count);
        Assert.NotEmpty(await Reports.ReconciliationAsync(auditor, ThisWeek.From, ThisWeek.To));
        Assert.Empty(await Reports.TransactionsAsync(auditor, ThisWeekOf(reseller.UserId), TransactionSort.Time, true, 0, 25));
        Assert.Contains(await Reports.ResellersAsync(auditor), r => r.Id == reseller.UserId);
        Assert.Contains((await AuditLog.QueryAsync(auditor, new AuditFilter(Action: AuditActions.WalletCredited), 0, 200)).Rows, e => e.TargetId == walletId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True((await Providers.CallsAsync(auditor, null, 0, 25)).Total >= 0);
        Assert.Contains(await Wallets.ListAsync(auditor), w => w.Id == walletId);
        Assert.Equal(Money.FromTaka(500), (await Wallets.StatementAsync(auditor, walletId, Today.AddDays(-1), Today.AddDays(1)))!.Closing);
    }

    [Fact]
    public async Task A_locked_auditors_reads_are_refused_by_the_services_and_a_stale_session_too()
    {
        var (_, walletId) = await ResellerAsync();
        var auditor = await app.NewActorAsync(Roles.Auditor);
        var stale = auditor with { SecurityStamp = "issued-before-a-password-reset" };
        await Assert.ThrowsAsync<AccessRefusedException>(() => Reports.TotalsAsync(stale, ThisWeek));

        await LockAsync(auditor);

        await Assert.ThrowsAsync<AccessRefusedException>(() => Reports.TotalsAsync(auditor, ThisWeek));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Reports.StreamAsync(auditor, ThisWeek));
        await Assert.ThrowsAsync<AccessRefusedException>(() => AuditLog.QueryAsync(auditor, new AuditFilter(), 0, 25));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Providers.CallsAsync(auditor, null, 0, 25));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Wallets.ListAsync(auditor));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Wallets.StatementAsync(auditor, walletId, Today, Today));
    }

    [Fact]
    public async Task A_locked_auditor_whose_cookie_still_opens_the_pages_gets_403_from_the_csv_exports_and_report_pages()
    {
        var (_, walletId) = await ResellerAsync();
        var email = await app.CreateUserAsync(Roles.Auditor);
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);
        var transactions = $"{TransactionsCsv.Path}?from={Today:yyyy-MM-dd}&to={Today:yyyy-MM-dd}";
        var statement = $"/wallets/{walletId}/statement.csv";
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(transactions)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(statement)).StatusCode);

        await LockAsync(await app.ActorAsync(email));

        // The summary page reads its figures while it renders on the server: refused the same way.
        foreach (var path in new[] { transactions, statement, "/reports/summary" })
        {
            var refused = await client.GetAsync(path);
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)refused.StatusCode} {body}");
            Assert.DoesNotContain("Reference,", body);
            Assert.DoesNotContain("Opening balance", body);
        }
    }
}
