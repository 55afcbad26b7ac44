using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Recharges;

/// <summary>The pipeline against the built-in sandbox (the app's default configuration), by the number's last digit.</summary>
public sealed class SandboxPipelineTests : IAsyncLifetime
{
    private readonly FakeTimeProvider time = new(PipelineHarness.Start);
    private PortalAppFactory app = null!;
    private Actor reseller = null!;
    private long walletId;

    public async Task InitializeAsync()
    {
        app = new PortalAppFactory(null, new Dictionary<string, string?>(), time);
        var (userId, wallet) = await app.CreateFundedResellerAsync(Money.FromTaka(1_000));
        await using var db = await app.DbAsync();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        reseller = new Actor(user.Id, user.Email!, user.SecurityStamp);
        walletId = wallet;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    public static TheoryData<string, RechargeStatus, long, LedgerKind[]> Outcomes => new()
    {
        // number, end state, balance after (poisha), ledger kinds of the recharge
        { "01712345671", RechargeStatus.Succeeded, 90_000, [LedgerKind.RechargeHold, LedgerKind.Commission] },
        { "01712345679", RechargeStatus.Failed, 100_000, [LedgerKind.RechargeHold, LedgerKind.RechargeRefund] },
        { "01712345677", RechargeStatus.Succeeded, 90_000, [LedgerKind.RechargeHold, LedgerKind.Commission] },
        { "01712345670", RechargeStatus.Failed, 100_000, [LedgerKind.RechargeHold, LedgerKind.RechargeRefund] },
        { "01712345678", RechargeStatus.NeedsReview, 90_000, [LedgerKind.RechargeHold] },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public async Task Each_sandbox_outcome_ends_in_the_right_state_with_the_right_money(string number, RechargeStatus end, long balance, LedgerKind[] kinds)
    {
        var placed = await app.Services.GetRequiredService<RechargeService>().PlaceAndSendAsync(
            reseller, new RechargeForm { Number = number, Amount = "100" }, Guid.NewGuid().ToString("N"), confirmDuplicate: false);
        Assert.True(placed.Succeeded, placed.Error);

        var processor = app.Services.GetRequiredService<RechargeProcessor>();
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromMinutes(35); elapsed += TimeSpan.FromSeconds(20))
        {
            time.Advance(TimeSpan.FromSeconds(20));
            await processor.SweepAsync();
        }

        await using var db = await app.DbAsync();
        var recharge = await db.Set<Recharge>().AsNoTracking().Include(r => r.Attempts).SingleAsync(r => r.Id == placed.RechargeId);
        Assert.Equal(end, recharge.Status);
        Assert.Equal(balance, await db.Wallets.Where(w => w.Id == walletId).Select(w => w.BalancePoisha).SingleAsync());
        Assert.Equal(kinds, await db.LedgerEntries.Where(e => e.RechargeId == recharge.Id).OrderBy(e => e.Id).Select(e => e.Kind).ToArrayAsync());
        // One provider only: none of these outcomes is a refusal that is safe elsewhere.
        Assert.Single(recharge.Attempts);
        await app.AssertLedgerConsistentAsync(walletId);
    }
}
