using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Components.Shared;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Reports;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.Features.Recharges;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Reports;

/// <summary>Reports over the reseller tree: each level's commission per recharge, and a subtree filter.</summary>
public sealed class TreeReportTests : IAsyncLifetime
{
    private PipelineHarness h = null!;

    public async Task InitializeAsync() => h = await PipelineHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    private ReportService Reports => h.App.Services.GetRequiredService<ReportService>();

    private async Task FundAsync(TreeReseller r) =>
        Assert.True((await h.App.Services.GetRequiredService<WalletService>()
            .CreditAsync(await h.App.AdminActorAsync(), r.WalletId, Money.FromTaka(5_000), null, "opening", Guid.NewGuid().ToString())).Succeeded);

    /// <summary>A ৳1,000 Grameenphone prepaid recharge by <paramref name="placer"/>, succeeded.</summary>
    private async Task<long> SucceededThousandAsync(TreeReseller placer)
    {
        var placed = await h.Recharges.PlaceAndSendAsync(placer.Actor, PipelineHarness.Form(amount: "1000"), Guid.NewGuid().ToString("N"), confirmDuplicate: true);
        Assert.True(placed.Succeeded, placed.Error ?? string.Join("; ", placed.Errors.Values));
        h.EcareStatus = FakeUpstream.Body(PipelineHarness.EcareSuccess);
        Assert.Equal(CheckOutcome.Succeeded, await h.Processor.CheckAsync(placed.RechargeId!.Value, dueOnly: false));
        return placed.RechargeId!.Value;
    }

    private ReportFilter Today(string? subtree = null)
    {
        var today = DhakaTime.Today(h.Time);
        return new ReportFilter { From = today, To = today, SubtreeOf = subtree };
    }

    [Fact]
    public async Task Per_recharge_admins_and_auditors_see_each_levels_commission_and_a_parent_only_its_own_margin()
    {
        // Distributor 3.00 %, dealer 2.50 %, retailer 2.00 %: ৳1,000 pays ৳5.00, ৳5.00 and ৳20.00.
        var distributor = await h.App.CreateResellerUnderAsync(null, planId: await h.App.GrameenphonePlanAsync("3.00"), name: "distributor");
        var dealer = await h.App.CreateResellerUnderAsync(distributor, planId: await h.App.GrameenphonePlanAsync("2.50"), name: "dealer");
        var otherDealer = await h.App.CreateResellerUnderAsync(distributor, planId: await h.App.GrameenphonePlanAsync("2.50"), name: "other-dealer");
        var retailer = await h.App.CreateResellerUnderAsync(dealer, planId: await h.App.GrameenphonePlanAsync("2.00"), name: "retailer");
        await FundAsync(retailer);
        var id = await SucceededThousandAsync(retailer);
        var auditor = await h.App.NewActorAsync(Roles.Auditor);

        var byAdmin = (await Reports.CommissionSharesAsync(await h.App.AdminActorAsync(), [id]))[id];
        var byAuditor = (await Reports.CommissionSharesAsync(auditor, [id]))[id];
        var byDealer = (await Reports.CommissionSharesAsync(dealer.Actor, [id]))[id];
        var byDistributor = (await Reports.CommissionSharesAsync(distributor.Actor, [id]))[id];
        var byOtherDealer = await Reports.CommissionSharesAsync(otherDealer.Actor, [id]);

        Assert.Equal(
            [("Distributor", distributor.Email, Money.FromTaka(5), false), ("Dealer", dealer.Email, Money.FromTaka(5), false), ("Retailer", retailer.Email, Money.FromTaka(20), true)],
            byAdmin.Select(s => (s.Level, s.Email, s.Amount, s.IsPlacer)));
        Assert.Equal(byAdmin, byAuditor);
        Assert.Equal([("Dealer", Money.FromTaka(5))], byDealer.Select(s => (s.Level, s.Amount)));
        Assert.Equal([("Distributor", Money.FromTaka(5))], byDistributor.Select(s => (s.Level, s.Amount)));
        Assert.Empty(byOtherDealer);
        // The levels add up to what the recharge paid the tree: the distributor's 3.00 %.
        Assert.Equal(Money.FromTaka(30), new Money(byAdmin.Sum(s => s.Amount.Poisha)));
    }

    [Fact]
    public async Task The_subtree_filter_covers_a_reseller_and_everyone_below_them_and_nobody_else_and_travels_in_the_query_string()
    {
        var distributor = await h.App.CreateResellerUnderAsync(null, name: "distributor");
        var dealer = await h.App.CreateResellerUnderAsync(distributor, name: "dealer");
        var retailer = await h.App.CreateResellerUnderAsync(dealer, name: "retailer");
        var outsider = await h.App.CreateResellerUnderAsync(null, name: "outsider");
        foreach (var r in new[] { distributor, dealer, retailer, outsider })
        {
            await FundAsync(r);
        }

        var byDistributor = await SucceededThousandAsync(distributor);
        var byDealer = await SucceededThousandAsync(dealer);
        var byRetailer = await SucceededThousandAsync(retailer);
        var byOutsider = await SucceededThousandAsync(outsider);
        var admin = await h.App.AdminActorAsync();

        async Task<long[]> IdsAsync(string? subtree) =>
            (await Reports.TransactionsAsync(admin, Today(subtree), TransactionSort.Time, false, 0, 200)).Select(r => r.Id).ToArray();

        Assert.Equal([byDealer, byRetailer], await IdsAsync(dealer.UserId));
        Assert.Equal([byDistributor, byDealer, byRetailer], await IdsAsync(distributor.UserId));
        Assert.Equal([byRetailer], await IdsAsync(retailer.UserId));
        Assert.Equal([byOutsider], await IdsAsync(outsider.UserId));
        Assert.Equal([byDistributor, byDealer, byRetailer, byOutsider], (await IdsAsync(null)).Where(new[] { byDistributor, byDealer, byRetailer, byOutsider }.Contains));
        var totals = await Reports.TotalsAsync(admin, Today(dealer.UserId));
        Assert.Equal((2, Money.FromTaka(2_000)), (totals.Count, totals.Sales));
        var summary = await Reports.SummaryAsync(admin, Today(dealer.UserId));
        Assert.Equal(new[] { dealer.UserId, retailer.UserId }.Order(), summary.ByReseller.Select(r => r.Key).Order());
        var exported = new List<long>();
        await foreach (var row in await Reports.StreamAsync(admin, Today(distributor.UserId)))
        {
            exported.Add(row.Id);
        }

        Assert.Equal([byDistributor, byDealer, byRetailer], exported);

        var query = Today(dealer.UserId).ToQueryString();
        Assert.Contains($"subtree={dealer.UserId}", query);
        var parsed = ReportFilter.Parse(new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)), out var error);
        Assert.Null(error);
        Assert.Equal(dealer.UserId, parsed!.SubtreeOf);
    }

    [Fact]
    public async Task A_parent_reads_the_sales_of_its_subtree_with_its_own_margin_and_no_provider_and_nothing_of_siblings_or_ancestors()
    {
        // Distributor 3.00 %, dealer 2.50 %, retailer 2.00 %: on ৳1,000 by the retailer the dealer earns ৳5.00, on its own ৳25.00.
        var distributor = await h.App.CreateResellerUnderAsync(null, planId: await h.App.GrameenphonePlanAsync("3.00"), name: "distributor");
        var dealer = await h.App.CreateResellerUnderAsync(distributor, planId: await h.App.GrameenphonePlanAsync("2.50"), name: "dealer");
        var sibling = await h.App.CreateResellerUnderAsync(distributor, planId: await h.App.GrameenphonePlanAsync("2.50"), name: "sibling");
        var retailer = await h.App.CreateResellerUnderAsync(dealer, planId: await h.App.GrameenphonePlanAsync("2.00"), name: "retailer");
        foreach (var r in new[] { distributor, dealer, sibling, retailer })
        {
            await FundAsync(r);
        }

        var byDistributor = await SucceededThousandAsync(distributor);
        var byDealer = await SucceededThousandAsync(dealer);
        var bySibling = await SucceededThousandAsync(sibling);
        var byRetailer = await SucceededThousandAsync(retailer);

        var rows = await Reports.TransactionsAsync(dealer.Actor, Today(), TransactionSort.Time, false, 0, 200);
        Assert.Equal([(byDealer, Money.FromTaka(25)), (byRetailer, Money.FromTaka(5))], rows.Select(r => (r.Id, r.Commission)));
        Assert.All(rows, r => Assert.Null(r.Provider));
        var totals = await Reports.TotalsAsync(dealer.Actor, Today());
        Assert.Equal((2, Money.FromTaka(2_000), Money.FromTaka(30)), (totals.Count, totals.Sales, totals.Commission));
        var exported = new List<(long, Money, string?)>();
        await foreach (var row in await Reports.StreamAsync(dealer.Actor, Today()))
        {
            exported.Add((row.Id, row.Commission, row.Provider));
        }

        Assert.Equal([(byDealer, Money.FromTaka(25), null), (byRetailer, Money.FromTaka(5), null)], exported);

        // The distributor sees the whole tree below it with its margins: ৳30 on its own, ৳5 on each below.
        var top = await Reports.TransactionsAsync(distributor.Actor, Today(), TransactionSort.Time, false, 0, 200);
        Assert.Equal(
            [(byDistributor, Money.FromTaka(30)), (byDealer, Money.FromTaka(5)), (bySibling, Money.FromTaka(5)), (byRetailer, Money.FromTaka(5))],
            top.Select(r => (r.Id, r.Commission)));
        Assert.Equal([byRetailer], (await Reports.TransactionsAsync(distributor.Actor, Today(retailer.UserId), TransactionSort.Time, false, 0, 200)).Select(r => r.Id));
        Assert.Equal(
            new[] { dealer.Email, retailer.Email }.Order(),
            (await Reports.ResellersAsync(dealer.Actor)).Select(r => r.Email).Order());

        // A sibling's or an ancestor's subtree or rows are refused, not filtered to nothing.
        await Assert.ThrowsAsync<AccessRefusedException>(() => Reports.TransactionsAsync(dealer.Actor, Today(sibling.UserId), TransactionSort.Time, false, 0, 50));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Reports.TotalsAsync(retailer.Actor, Today(dealer.UserId)));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Reports.StreamAsync(dealer.Actor, new ReportFilter { From = Today().From, To = Today().To, ResellerId = distributor.UserId }));
        // Summary and reconciliation stay the readers'.
        await Assert.ThrowsAsync<AccessRefusedException>(() => Reports.SummaryAsync(dealer.Actor, Today()));
    }

    [Fact]
    public async Task Over_HTTP_a_parent_exports_its_subtree_with_its_margin_and_gets_403_for_a_siblings()
    {
        var distributor = await h.App.CreateResellerUnderAsync(null, planId: await h.App.GrameenphonePlanAsync("3.00"), name: "distributor");
        var dealer = await h.App.CreateResellerUnderAsync(distributor, planId: await h.App.GrameenphonePlanAsync("2.50"), name: "dealer");
        var sibling = await h.App.CreateResellerUnderAsync(distributor, planId: await h.App.GrameenphonePlanAsync("2.50"), name: "sibling");
        var retailer = await h.App.CreateResellerUnderAsync(dealer, planId: await h.App.GrameenphonePlanAsync("2.00"), name: "retailer");
        await FundAsync(retailer);
        await FundAsync(sibling);
        var byRetailer = await SucceededThousandAsync(retailer);
        await SucceededThousandAsync(sibling);
        using var client = await h.App.SignedInClientAsync(dealer.Email, PortalAppFactory.UserPassword);
        var query = Today().ToQueryString();

        var csv = await client.GetStringAsync(TransactionsCsv.Path + query);
        var siblings = await client.GetAsync(TransactionsCsv.Path + Today(sibling.UserId).ToQueryString());

        var lines = csv.Trim('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        var reference = (await Reports.TransactionsAsync(await h.App.AdminActorAsync(), Today(retailer.UserId), TransactionSort.Time, false, 0, 5)).Single(r => r.Id == byRetailer).Reference;
        Assert.StartsWith(reference + ",", lines[1]);
        Assert.Contains(",5.00,Successful,,", lines[1]); // the dealer's margin, and no provider
        Assert.DoesNotContain(sibling.Email, csv);
        Assert.Equal(HttpStatusCode.Forbidden, siblings.StatusCode);
    }
}
