using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RechargePortal.Components.Shared;
using RechargePortal.Data;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Demo;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Reports;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Demo;

/// <summary>The real app on a fresh database, seeded once with 2,000 demo recharges over 30 days.</summary>
public sealed class SeededDemoApp : IAsyncLifetime
{
    public const int Recharges = 2_000;
    public const int Resellers = 8;
    public const int Days = 30;

    public PortalAppFactory App { get; } = new();

    public DemoSeedResult Seeded { get; private set; } = null!;

    /// <summary>Why these tests do not run here, or null: the seeder writes SQLite's file directly.</summary>
    public static string? NotHere => PortalAppFactory.OnPostgres ? "The demo seeder writes SQLite files only (PORTAL_TEST_POSTGRES is set)." : null;

    public async Task InitializeAsync()
    {
        if (NotHere is null)
        {
            Seeded = await ActivatorUtilities.CreateInstance<DemoSeeder>(App.Services)
                .SeedAsync(new DemoSeedOptions { Recharges = Recharges, Resellers = Resellers, Days = Days, Seed = 20261122 });
        }
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class DemoSeederTests(SeededDemoApp demo) : IClassFixture<SeededDemoApp>
{
    private PortalAppFactory App => demo.App;

    private DemoSeedResult Seeded => demo.Seeded;

    [SkippableFact]
    public async Task Every_demo_wallet_equals_its_ledger_in_order_and_never_goes_below_zero()
    {
        Skip.If(SeededDemoApp.NotHere is not null, SeededDemoApp.NotHere);
        Assert.Equal(SeededDemoApp.Resellers, Seeded.Resellers.Count);
        foreach (var reseller in Seeded.Resellers)
        {
            await App.AssertLedgerConsistentAsync(reseller.WalletId);
        }

        await using var db = await App.DbAsync();
        var firstKinds = await db.LedgerEntries.GroupBy(e => e.WalletId).Select(g => g.OrderBy(e => e.Id).First().Kind).ToListAsync();
        Assert.All(firstKinds, kind => Assert.Equal(LedgerKind.Deposit, kind));
        // Ids follow time: a statement read by time or by id tells the same story.
        var times = await db.LedgerEntries.OrderBy(e => e.Id).Select(e => e.AtUtc).ToListAsync();
        Assert.True(times.Zip(times.Skip(1)).All(p => p.First <= p.Second), "Ledger entries are not in time order.");
    }

    [SkippableFact]
    public async Task Each_recharge_has_the_ledger_entries_its_status_calls_for()
    {
        Skip.If(SeededDemoApp.NotHere is not null, SeededDemoApp.NotHere);
        await using var db = await App.DbAsync();
        var recharges = await db.Set<Recharge>().AsNoTracking().ToListAsync();
        var byRecharge = (await db.LedgerEntries.AsNoTracking().Where(e => e.RechargeId != null).ToListAsync())
            .ToLookup(e => e.RechargeId!.Value);
        foreach (var r in recharges)
        {
            // The placer's own entries; its parents' margins (commission on their wallets) only on a success, once each.
            var entries = byRecharge[r.Id].Where(e => e.WalletId == r.WalletId).ToList();
            var margins = byRecharge[r.Id].Where(e => e.WalletId != r.WalletId).ToList();
            Assert.All(margins, m => Assert.Equal(LedgerKind.Commission, m.Kind));
            Assert.Equal(margins.Count, margins.Select(m => m.WalletId).Distinct().Count());
            Assert.True(margins.Count == 0 || r.Status == RechargeStatus.Succeeded);
            var hold = Assert.Single(entries, e => e.Kind == LedgerKind.RechargeHold);
            Assert.Equal(-r.AmountPoisha, hold.AmountPoisha);
            Assert.Equal(r.WalletId, hold.WalletId);
            switch (r.Status)
            {
                case RechargeStatus.Failed:
                    Assert.Equal(r.AmountPoisha, Assert.Single(entries, e => e.Kind == LedgerKind.RechargeRefund).AmountPoisha);
                    Assert.Equal(2, entries.Count);
                    break;
                case RechargeStatus.Succeeded when r.CommissionPoisha > 0:
                    Assert.Equal(r.CommissionPoisha, Assert.Single(entries, e => e.Kind == LedgerKind.Commission).AmountPoisha);
                    Assert.Equal(2, entries.Count);
                    break;
                default:
                    // In flight, in review, or nothing earned: the amount stays held, nothing else.
                    Assert.Single(entries);
                    break;
            }
        }

        var ids = recharges.Select(r => r.Id).ToHashSet();
        Assert.All(byRecharge, g => Assert.Contains(g.Key, ids));
        var deposits = await db.LedgerEntries.AsNoTracking().Where(e => e.Kind == LedgerKind.Deposit).ToListAsync();
        Assert.All(deposits, d =>
        {
            Assert.Null(d.RechargeId);
            Assert.NotNull(d.RequestId);
            Assert.True(d.AmountPoisha > 0);
        });
        var audited = await db.AuditEntries.Where(a => a.Action == RechargePortal.Features.Audit.AuditActions.WalletCredited)
            .ToDictionaryAsync(a => a.Id, a => a.TargetId);
        Assert.All(deposits, d => Assert.Equal(d.WalletId.ToString(CultureInfo.InvariantCulture), audited[d.AuditEntryId!.Value]));
    }

    [SkippableFact]
    public async Task Recharges_look_like_the_ones_the_pipeline_makes()
    {
        Skip.If(SeededDemoApp.NotHere is not null, SeededDemoApp.NotHere);
        await using var db = await App.DbAsync();
        var recharges = await db.Set<Recharge>().AsNoTracking().Include(r => r.Attempts).ToListAsync();
        Assert.Equal(SeededDemoApp.Recharges, recharges.Count);
        var providers = App.Services.GetRequiredService<ProviderRegistry>().All.Select(p => p.Name).ToHashSet();
        var rules = App.Services.GetRequiredService<IOptions<RechargeOptions>>().Value.EffectiveAmountRules;
        var deadlineMinutes = App.Services.GetRequiredService<IOptions<RechargeOptions>>().Value.DeadlineMinutes;
        var periodStart = DhakaTime.StartOfDayUtc(Seeded.FirstDay);
        var reference = new Regex("^RC(?<date>[0-9]{6})-[0-9A-HJKMNP-TV-Z]{8}$");
        foreach (var r in recharges)
        {
            Assert.Equal(DateOnly.FromDateTime(DhakaTime.FromUtc(r.CreatedAtUtc)), r.BusinessDay);
            Assert.InRange(r.CreatedAtUtc, periodStart, Seeded.NowUtc);
            Assert.InRange(r.BusinessDay, Seeded.FirstDay, Seeded.LastDay);
            var match = reference.Match(r.Reference);
            Assert.True(match.Success, r.Reference);
            Assert.Equal(r.CreatedAtUtc.ToString("yyMMdd", CultureInfo.InvariantCulture), match.Groups["date"].Value);
            Assert.Equal(MobileNumber.OperatorOf(r.Number), r.Operator);
            Assert.Null(AmountLimits.For(rules, r.Operator, r.NumberType).Check(r.Amount));
            var attempt = Assert.Single(r.Attempts);
            Assert.Matches("^[0-9]+$", attempt.UpstreamReference);
            Assert.Contains(attempt.Provider, providers);
            Assert.Equal(attempt.Provider, r.Provider);
            Assert.True(r.SubmittedAtUtc >= r.CreatedAtUtc && r.UpdatedAtUtc >= r.SubmittedAtUtc);
            Assert.True(r.Version >= 3);
            switch (r.Status)
            {
                case RechargeStatus.Succeeded:
                    Assert.NotNull(r.OperatorTrxId);
                    Assert.True(r.CompletedAtUtc > r.CreatedAtUtc && r.CompletedAtUtc <= Seeded.NowUtc);
                    break;
                case RechargeStatus.Failed:
                    Assert.NotNull(r.StatusReason);
                    Assert.NotNull(r.ResellerNote);
                    Assert.True(r.CompletedAtUtc > r.CreatedAtUtc && r.CompletedAtUtc <= Seeded.NowUtc);
                    break;
                case RechargeStatus.Processing:
                    Assert.Null(r.CompletedAtUtc);
                    Assert.NotNull(r.NextCheckAtUtc);
                    Assert.True(r.CreatedAtUtc >= Seeded.NowUtc.AddMinutes(-deadlineMinutes), $"{r.Reference} is in flight past its deadline.");
                    break;
                case RechargeStatus.NeedsReview:
                    Assert.Null(r.CompletedAtUtc);
                    Assert.Equal(r.LastCheckAtUtc + RechargeProcessor.ReviewRecheck, r.NextCheckAtUtc);
                    Assert.Contains("within the deadline", r.StatusReason);
                    Assert.True(r.LastCheckAtUtc >= r.DeadlineUtc);
                    break;
                default:
                    Assert.Fail($"{r.Reference} is {r.Status}: demo recharges are all sent.");
                    break;
            }
        }

        Assert.Equal(recharges.Count, recharges.Select(r => r.Reference).Distinct().Count());
        Assert.Equal(recharges.Count, recharges.Select(r => r.ClientRequestId).Distinct().Count());
        Assert.Equal(recharges.Count, recharges.Select(r => r.Attempts[0].UpstreamReference).Distinct().Count());

        double Share(RechargeStatus s) => recharges.Count(r => r.Status == s) / (double)recharges.Count;
        Assert.InRange(Share(RechargeStatus.Succeeded), 0.90, 0.97);
        Assert.InRange(Share(RechargeStatus.Failed), 0.025, 0.08);
        Assert.Contains(recharges, r => r.Status == RechargeStatus.Processing);
        Assert.Contains(recharges, r => r.Status == RechargeStatus.NeedsReview);
        var byOperator = recharges.GroupBy(r => r.Operator).ToDictionary(g => g.Key, g => g.Count() / (double)recharges.Count);
        Assert.Equal(5, byOperator.Count);
        Assert.InRange(byOperator[MobileOperator.Grameenphone], 0.40, 0.50);
        Assert.Contains(recharges, r => r.OfferPack is not null);
        Assert.Contains(recharges, r => r.NumberType == NumberType.Postpaid);
        Assert.True(recharges.Select(r => r.Provider).Distinct().Count() == providers.Count);
    }

    [SkippableFact]
    public async Task The_resellers_form_a_tree_and_each_successful_recharge_below_a_parent_pays_it_its_margin_once()
    {
        Skip.If(SeededDemoApp.NotHere is not null, SeededDemoApp.NotHere);
        await using var db = await App.DbAsync();
        var emails = Seeded.Resellers.Select(r => r.Email).ToList();
        var users = await db.Users.AsNoTracking().Where(u => emails.Contains(u.Email!)).ToDictionaryAsync(u => u.Email!);
        var distributor = users[DemoSeeder.EmailOf(1)];
        var dealers = new[] { users[DemoSeeder.EmailOf(2)], users[DemoSeeder.EmailOf(3)] };
        Assert.Null(distributor.ParentId);
        Assert.True(distributor.CanCreateSubResellers);
        Assert.All(dealers, d => Assert.Equal(distributor.Id, d.ParentId));
        Assert.Equal([dealers[0].Id, dealers[1].Id, dealers[0].Id], new[] { 4, 5, 6 }.Select(n => users[DemoSeeder.EmailOf(n)].ParentId));
        Assert.Null(users[DemoSeeder.EmailOf(7)].ParentId);

        var retailer = users[DemoSeeder.EmailOf(4)];
        var wallets = await db.Wallets.AsNoTracking().ToDictionaryAsync(w => w.UserId, w => w.Id);
        var sold = await db.Set<Recharge>().AsNoTracking()
            .Where(r => r.ResellerId == retailer.Id && r.Status == RechargeStatus.Succeeded && r.OfferPack == null && r.CommissionPoisha > 0)
            .Select(r => r.Id).ToListAsync();
        Assert.NotEmpty(sold);
        var margins = await db.LedgerEntries.AsNoTracking().Where(e => e.Kind == LedgerKind.Commission && sold.Contains(e.RechargeId!.Value)).ToListAsync();
        // Retail 50 bp under standard under gold: the dealer and the distributor each earn on every such recharge, once.
        Assert.Equal(sold.Count, margins.Count(e => e.WalletId == wallets[dealers[0].Id]));
        Assert.Equal(sold.Count, margins.Count(e => e.WalletId == wallets[distributor.Id]));
        Assert.All(margins.Where(e => e.WalletId != wallets[retailer.Id]), e => Assert.StartsWith("Margin on recharge", e.Memo));
        foreach (var id in wallets.Values)
        {
            await App.AssertLedgerConsistentAsync(id);
        }
    }

    [SkippableFact]
    public async Task Commission_is_what_the_resellers_plan_says()
    {
        Skip.If(SeededDemoApp.NotHere is not null, SeededDemoApp.NotHere);
        await using var db = await App.DbAsync();
        var plans = await db.CommissionPlans.AsNoTracking().Include(p => p.Rates).ToListAsync();
        var planOf = await db.Wallets.ToDictionaryAsync(w => w.Id, w => w.CommissionPlanId);
        var defaultPlan = plans.Single(p => p.IsDefault);
        var plain = await db.Set<Recharge>().AsNoTracking().Where(r => r.OfferPack == null).ToListAsync();
        Assert.All(plain, r =>
        {
            var plan = planOf[r.WalletId] is { } id ? plans.Single(p => p.Id == id) : defaultPlan;
            Assert.Equal(CommissionService.Earns(plan, r.Operator, r.NumberType, r.Amount), r.Commission);
        });
        Assert.Contains(plain, r => r.CommissionPoisha > 0);
    }

    [SkippableFact]
    public async Task Report_totals_equal_the_sums_of_the_rows_and_of_the_ledger()
    {
        Skip.If(SeededDemoApp.NotHere is not null, SeededDemoApp.NotHere);
        var reports = App.Services.GetRequiredService<ReportService>();
        var all = ReportFilter.ForDays(Seeded.FirstDay, Seeded.LastDay);
        var totals = await reports.TotalsAsync(await App.AdminActorAsync(), all);
        await using var db = await App.DbAsync();
        var rows = await db.Set<Recharge>().AsNoTracking().ToListAsync();
        var succeeded = rows.Where(r => r.Status == RechargeStatus.Succeeded).ToList();
        Assert.Equal(rows.Count, totals.Count);
        Assert.Equal(succeeded.Count, totals.Succeeded);
        Assert.Equal(rows.Count(r => r.Status == RechargeStatus.Failed), totals.Failed);
        Assert.Equal(rows.Sum(r => r.AmountPoisha), totals.Amount.Poisha);
        Assert.Equal(succeeded.Sum(r => r.AmountPoisha), totals.Sales.Poisha);
        Assert.Equal(succeeded.Sum(r => r.CommissionPoisha), totals.Commission.Poisha);
        // The same money seen from the wallets: commission paid to the placers (their parents' margins are on top), and holds of successful recharges.
        var placers = rows.ToDictionary(r => r.Id, r => r.WalletId);
        var commissions = await db.LedgerEntries.Where(e => e.Kind == LedgerKind.Commission).Select(e => new { e.RechargeId, e.WalletId, e.AmountPoisha }).ToListAsync();
        Assert.Equal(totals.Commission.Poisha, commissions.Where(e => placers[e.RechargeId!.Value] == e.WalletId).Sum(e => e.AmountPoisha));
        var succeededIds = succeeded.Select(r => r.Id).ToHashSet();
        var holds = await db.LedgerEntries.Where(e => e.Kind == LedgerKind.RechargeHold).Select(e => new { e.RechargeId, e.AmountPoisha }).ToListAsync();
        Assert.Equal(totals.Sales.Poisha, -holds.Where(h => succeededIds.Contains(h.RechargeId!.Value)).Sum(h => h.AmountPoisha));

        var summary = await reports.SummaryAsync(await App.AdminActorAsync(), all);
        Assert.Equal(totals, summary.Overall);
        Assert.Equal(SeededDemoApp.Days, summary.ByDay.Count);
        foreach (var part in new[] { summary.ByDay, summary.ByOperator, summary.ByProvider, summary.ByReseller })
        {
            Assert.Equal(totals.Count, part.Sum(p => p.Totals.Count));
            Assert.Equal(totals.Sales, new Money(part.Sum(p => p.Totals.Sales.Poisha)));
        }

        foreach (var day in summary.ByDay)
        {
            var date = DateOnly.ParseExact(day.Key, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.Equal(rows.Count(r => r.BusinessDay == date), day.Totals.Count);
        }

        var page = await reports.TransactionsAsync(await App.AdminActorAsync(), all, TransactionSort.Time, descending: true, skip: 0, take: 25);
        Assert.Equal(rows.OrderByDescending(r => r.CreatedAtUtc).ThenByDescending(r => r.Id).Take(25).Select(r => r.Id), page.Select(p => p.Id));
    }

    [SkippableFact]
    public async Task Reconciliation_matches_on_most_days_and_shows_top_ups_and_mismatches()
    {
        Skip.If(SeededDemoApp.NotHere is not null, SeededDemoApp.NotHere);
        var rows = await App.Services.GetRequiredService<ReportService>().ReconciliationAsync(await App.AdminActorAsync(), Seeded.FirstDay, Seeded.LastDay);
        var past = rows.Where(r => !r.DayInProgress).ToList();
        Assert.NotEmpty(past);
        foreach (var provider in past.GroupBy(r => r.Provider))
        {
            Assert.All(provider, r => Assert.NotNull(r.Difference));
            Assert.True(provider.Count(r => r.Matches) >= provider.Count() / 2, $"{provider.Key}: too few days match.");
            // Two days with an unexplained deduction, and top-ups when the balance ran low.
            Assert.True(provider.Count(r => r.Difference!.Value.IsPositive) >= 2, $"{provider.Key}: no mismatch shown.");
            Assert.Contains(provider, r => r.Difference!.Value.Poisha < 0);
        }
    }

    [SkippableFact]
    public async Task A_demo_reseller_signs_in_with_the_documented_password()
    {
        Skip.If(SeededDemoApp.NotHere is not null, SeededDemoApp.NotHere);
        var client = await App.SignedInClientAsync(DemoSeeder.EmailOf(1), DemoSeeder.ResellerPassword);
        Assert.Contains("Reseller dashboard", await client.GetStringAsync("/"));
    }

    [SkippableFact]
    public void Times_are_written_as_EF_Core_writes_them()
    {
        Skip.If(SeededDemoApp.NotHere is not null, SeededDemoApp.NotHere);
        var samples = new[]
        {
            new DateTime(2026, 11, 22, 18, 0, 0, DateTimeKind.Utc),
            new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1_230_000),
            new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1),
            new DateTime(2026, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999),
        };
        Assert.All(samples, t => Assert.Equal(t.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture), DemoSeeder.SqlText(t)));
    }
}

public sealed class DemoSeederAgainTests
{
    [SkippableFact]
    public async Task Seeding_again_adds_new_resellers_and_repeats_no_reference_or_request_id()
    {
        Skip.If(SeededDemoApp.NotHere is not null, SeededDemoApp.NotHere);
        using var app = new PortalAppFactory();
        var options = new DemoSeedOptions { Recharges = 300, Resellers = 3, Days = 10, Seed = 7 };
        var first = await ActivatorUtilities.CreateInstance<DemoSeeder>(app.Services).SeedAsync(options);
        var second = await ActivatorUtilities.CreateInstance<DemoSeeder>(app.Services).SeedAsync(options);

        Assert.Equal([DemoSeeder.EmailOf(1), DemoSeeder.EmailOf(2), DemoSeeder.EmailOf(3)], first.Resellers.Select(r => r.Email));
        Assert.Equal([DemoSeeder.EmailOf(4), DemoSeeder.EmailOf(5), DemoSeeder.EmailOf(6)], second.Resellers.Select(r => r.Email));
        foreach (var reseller in first.Resellers.Concat(second.Resellers))
        {
            await app.AssertLedgerConsistentAsync(reseller.WalletId);
        }

        await using var db = await app.DbAsync();
        Assert.Equal(600, await db.Set<Recharge>().CountAsync());
        Assert.Equal(600, await db.Set<Recharge>().Select(r => r.Reference).Distinct().CountAsync());
        Assert.Equal(600, await db.Set<Recharge>().Select(r => r.ClientRequestId).Distinct().CountAsync());
        // The latest readings take both batches' sales into account.
        var reconciliation = await app.Services.GetRequiredService<ReportService>().ReconciliationAsync(await app.AdminActorAsync(), second.FirstDay, second.LastDay);
        Assert.Contains(reconciliation, r => !r.DayInProgress && r.Matches && r.Succeeded > 0);
    }

    [SkippableFact]
    public async Task Options_out_of_range_are_refused_before_anything_is_written()
    {
        Skip.If(SeededDemoApp.NotHere is not null, SeededDemoApp.NotHere);
        using var app = new PortalAppFactory();
        var seeder = ActivatorUtilities.CreateInstance<DemoSeeder>(app.Services);
        await Assert.ThrowsAsync<ArgumentException>(() => seeder.SeedAsync(new DemoSeedOptions { Recharges = 0 }));
        await using var db = await app.DbAsync();
        Assert.Equal(0, await db.Set<Recharge>().CountAsync());
        Assert.False(await db.Users.AnyAsync(u => u.Email!.EndsWith("@" + DemoSeeder.EmailDomain)));
    }
}
