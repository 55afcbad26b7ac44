using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Resellers;
using RechargePortal.Features.Resellers.Pages;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;
using RechargePortal.Tests.Features.Reports;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Resellers.Pages;

/// <summary><c>/my-resellers</c> and its <c>Send balance</c> dialog against the real services.</summary>
public sealed class MyResellersPageTests(ReportsAppFixture fixture) : IClassFixture<ReportsAppFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly BunitContext ctx = NewContext(fixture);

    private static BunitContext NewContext(ReportsAppFixture fixture)
    {
        var ctx = fixture.NewContext();
        var app = fixture.App.Services;
        ctx.Services.AddSingleton(app.GetRequiredService<ResellerService>());
        ctx.Services.AddSingleton(app.GetRequiredService<CommissionService>());
        ctx.Services.AddSingleton(app.GetRequiredService<StepUp>());
        return ctx;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await ctx.DisposeAsync();

    private async Task<(TreeReseller Top, TreeReseller Dealer, TreeReseller Retailer)> TreeAsync()
    {
        var top = await fixture.App.CreateResellerUnderAsync(null, name: "distributor");
        var dealer = await fixture.App.CreateResellerUnderAsync(top, name: "dealer");
        var retailer = await fixture.App.CreateResellerUnderAsync(dealer, name: "retailer");
        var credit = await fixture.App.Services.GetRequiredService<WalletService>()
            .CreditAsync(await fixture.App.AdminActorAsync(), top.WalletId, Money.FromTaka(1_000), null, "opening", Guid.NewGuid().ToString());
        Assert.True(credit.Succeeded, credit.Problem);
        return (top, dealer, retailer);
    }

    [Fact]
    public async Task The_page_lists_the_children_and_opens_a_childs_subtree_with_balance_sales_and_status()
    {
        var (top, dealer, retailer) = await TreeAsync();
        ReportsAppFixture.SignIn(ctx, top.UserId, top.Email, Roles.Reseller);
        ctx.Render<MudPopoverProvider>();

        var page = ctx.Render<MyResellers>();

        page.WaitForAssertion(() => Assert.Contains(dealer.Email, page.Find("[data-testid=reseller-tree]").TextContent), Wait);
        Assert.DoesNotContain(retailer.Email, page.Find("[data-testid=reseller-tree]").TextContent);
        Assert.Contains("New reseller", page.Markup);
        Assert.Contains("Dealer", page.Markup);
        Assert.Contains("Active", page.Markup);
        Assert.Equal("৳1,000.00", page.Find("[data-testid=wallet-balance]").TextContent.Trim());

        page.Find($"button[aria-label='Show or hide the resellers below {dealer.Email}']").Click();

        page.WaitForAssertion(() => Assert.Contains(retailer.Email, page.Find("[data-testid=reseller-tree]").TextContent), Wait);
        Assert.Contains("Retailer", page.Markup);
    }

    [Fact]
    public async Task Send_balance_asks_amount_and_note_then_shows_both_wallets_before_and_after_and_moves_the_money_on_Confirm()
    {
        var (top, dealer, _) = await TreeAsync();
        ReportsAppFixture.SignIn(ctx, top.UserId, top.Email, Roles.Reseller);
        var provider = ctx.Render<MudDialogProvider>();
        var child = (await ctx.Services.GetRequiredService<ResellerService>().SubtreeAsync(top.Actor)).Single(n => n.UserId == dealer.UserId);
        var dialogs = ctx.Services.GetRequiredService<IDialogService>();
        IDialogReference? reference = null;

        await provider.InvokeAsync(async () => reference = await dialogs.ShowAsync<TransferDialog>("Send balance",
            new DialogParameters<TransferDialog> { { x => x.Actor, top.Actor with { StepUpProof = null } }, { x => x.Child, child }, { x => x.Down, true } }));
        provider.WaitForAssertion(() => Assert.Contains("Send balance to", provider.Markup), Wait);
        var inputs = provider.FindAll("input, textarea");
        inputs[0].Change("250");
        inputs[1].Change("Eid stock");
        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Continue").Click();

        provider.WaitForAssertion(() => Assert.Contains("৳750.00", provider.Find("[data-testid=your-wallet]").TextContent), Wait);
        Assert.Contains("৳1,000.00", provider.Find("[data-testid=your-wallet]").TextContent);
        Assert.Contains("৳250.00", provider.Find("[data-testid=their-wallet]").TextContent);
        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Confirm").Click();

        var result = await reference!.Result.WaitAsync(Wait);
        Assert.False(result!.Canceled);
        await using var db = await fixture.App.DbAsync();
        Assert.Equal(25_000, await db.Wallets.Where(w => w.Id == dealer.WalletId).Select(w => w.BalancePoisha).SingleAsync());
        Assert.Equal("Balance from " + top.Email + ": Eid stock",
            (await db.LedgerEntries.SingleAsync(e => e.WalletId == dealer.WalletId && e.Kind == LedgerKind.TransferIn)).Memo);
    }
}
