using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Wallets;

/// <summary>Statements by Bangladesh day, with opening and closing balances, on screen and as CSV.</summary>
public sealed class StatementTests : IDisposable
{
    // 2026-11-10 00:00 in Dhaka is 2026-11-09 18:00 UTC.
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 9, 12, 0, 0, TimeSpan.Zero));
    private readonly PortalAppFactory app;

    public StatementTests() => app = new PortalAppFactory(null, new Dictionary<string, string?>(), time);

    public void Dispose() => app.Dispose();

    private WalletService Wallets => app.Services.GetRequiredService<WalletService>();

    /// <summary>The recharge the history's second hold and its refund belong to.</summary>
    private long refundedRecharge;

    private async Task<(string UserId, long WalletId, string Email)> ResellerWithHistoryAsync()
    {
        var (userId, walletId) = await app.CreateFundedResellerAsync(Money.FromTaka(1_000));      // 9 Nov 18:00 Dhaka
        var admin = await app.AdminActorAsync();
        var first = await app.RechargeRowAsync(userId);
        refundedRecharge = await app.RechargeRowAsync(userId);
        time.SetUtcNow(new DateTimeOffset(2026, 11, 9, 17, 30, 0, TimeSpan.Zero));                  // 9 Nov 23:30 Dhaka
        await Wallets.HoldAsync(userId, first, Money.FromTaka(100), "Recharge 01711000000");
        time.SetUtcNow(new DateTimeOffset(2026, 11, 9, 18, 30, 0, TimeSpan.Zero));                  // 10 Nov 00:30 Dhaka
        await Wallets.CreditAsync(admin, walletId, Money.FromTaka(250), "BKASH-1", "top-up, \"cash\"", Guid.NewGuid().ToString());
        await Wallets.HoldAsync(userId, refundedRecharge, Money.FromTaka(50), "=HYPERLINK(\"x\")");
        time.SetUtcNow(new DateTimeOffset(2026, 11, 11, 6, 0, 0, TimeSpan.Zero));                   // 11 Nov 12:00 Dhaka
        await Wallets.RefundAsync(refundedRecharge, "Failed: refunded");
        var email = (await Wallets.ListAsync(admin)).Single(w => w.Id == walletId).Email;
        return (userId, walletId, email);
    }

    [Fact]
    public async Task A_day_runs_midnight_to_midnight_Bangladesh_time_with_opening_and_closing_balances()
    {
        var (_, walletId, _) = await ResellerWithHistoryAsync();
        var auditor = await app.NewActorAsync(Roles.Auditor);

        var ninth = await Wallets.StatementAsync(auditor, walletId, new DateOnly(2026, 11, 9), new DateOnly(2026, 11, 9));
        var tenth = await Wallets.StatementAsync(auditor, walletId, new DateOnly(2026, 11, 10), new DateOnly(2026, 11, 10));
        var all = await Wallets.StatementAsync(auditor, walletId, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30));

        Assert.Equal(Money.Zero, ninth!.Opening);
        Assert.Equal([LedgerKind.Deposit, LedgerKind.RechargeHold], ninth.Lines.Select(l => l.Kind));
        Assert.Equal(Money.FromTaka(900), ninth.Closing);
        Assert.Equal(Money.FromTaka(900), tenth!.Opening);
        Assert.Equal([LedgerKind.Deposit, LedgerKind.RechargeHold], tenth.Lines.Select(l => l.Kind));
        Assert.Equal(Money.FromTaka(1_100), tenth.Closing);
        Assert.Equal(Money.FromTaka(1_150), all!.Closing);
        Assert.Equal(all.Current, all.Closing);
        Assert.Equal(Money.FromTaka(1_300), all.Credits);
        Assert.Equal(-Money.FromTaka(150), all.Debits);
    }

    [Fact]
    public async Task The_reseller_downloads_their_statement_as_csv_with_a_header_a_row_per_entry_and_safe_cells()
    {
        var (_, _, email) = await ResellerWithHistoryAsync();
        var client = await app.SignedInClientAsync(email, PortalAppFactory.UserPassword);

        var response = await client.GetAsync("/wallet/statement.csv?from=2026-11-10&to=2026-11-11");
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Date (Bangladesh time),Kind,Amount (BDT),Balance after (BDT),Memo,Reference,Recharge,By", lines[0]);
        Assert.Equal("2026-11-10 00:00,Opening balance,,900.00,,,,", lines[1]);
        Assert.Equal($"2026-11-10 00:30,Deposit,250.00,1150.00,\"top-up, \"\"cash\"\"\",BKASH-1,,{PortalAppFactory.AdminEmail}", lines[2]);
        Assert.Equal($"2026-11-10 00:30,RechargeHold,-50.00,1100.00,\"'=HYPERLINK(\"\"x\"\")\",,{refundedRecharge},system", lines[3]);
        Assert.Equal($"2026-11-11 12:00,RechargeRefund,50.00,1150.00,Failed: refunded,,{refundedRecharge},system", lines[4]);
        Assert.Equal(",Closing balance,,1150.00,,,,", lines[5]);
        Assert.Equal(6, lines.Count);
    }

    [Fact]
    public async Task Auditors_read_any_wallets_statement_but_resellers_only_their_own()
    {
        var (_, walletId, email) = await ResellerWithHistoryAsync();
        var auditor = await app.SignedInClientAsync(await app.CreateUserAsync(Roles.Auditor), PortalAppFactory.UserPassword);
        var otherReseller = await app.SignedInClientAsync(await app.CreateUserAsync(Roles.Reseller), PortalAppFactory.UserPassword);

        var asAuditor = await auditor.GetAsync($"/wallets/{walletId}/statement.csv?from=2026-11-01&to=2026-11-30");
        var asOther = await otherReseller.GetAsync($"/wallets/{walletId}/statement.csv");
        var othersOwn = await otherReseller.GetStringAsync("/wallet/statement.csv?from=2026-11-01&to=2026-11-30");

        Assert.Equal(HttpStatusCode.OK, asAuditor.StatusCode);
        Assert.Contains("BKASH-1", await asAuditor.Content.ReadAsStringAsync());
        // Resellers pass the endpoint's role gate (a parent reads its subtree's statements); the service refuses another's.
        Assert.Equal(HttpStatusCode.Forbidden, asOther.StatusCode);
        Assert.DoesNotContain("BKASH-1", await asOther.Content.ReadAsStringAsync());
        Assert.DoesNotContain("BKASH-1", othersOwn);
        Assert.DoesNotContain(email, othersOwn);
    }
}
