using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using RechargePortal.Features.BalanceRequests;
using RechargePortal.Features.BalanceRequests.Pages;
using RechargePortal.Features.Resellers;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;
using RechargePortal.Tests.Features.Reports;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.BalanceRequests.Pages;

/// <summary><c>/balance-requests</c> against the real services: a request sent, approved with Confirm, and seen live by the requester.</summary>
public sealed class BalanceRequestsPageTests(ReportsAppFixture fixture) : IClassFixture<ReportsAppFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly BunitContext ctx = NewContext(fixture);

    private static BunitContext NewContext(ReportsAppFixture fixture)
    {
        var ctx = fixture.NewContext();
        var app = fixture.App.Services;
        ctx.Services.AddSingleton(app.GetRequiredService<ResellerService>());
        ctx.Services.AddSingleton(app.GetRequiredService<BalanceRequestService>());
        ctx.Services.AddSingleton(app.GetRequiredService<BalanceRequestNotifier>());
        ctx.Services.AddSingleton(app.GetRequiredService<StepUp>());
        return ctx;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await ctx.DisposeAsync();

    private BalanceRequestService Requests => fixture.App.Services.GetRequiredService<BalanceRequestService>();

    private async Task<(TreeReseller Parent, TreeReseller Child)> PairAsync()
    {
        var parent = await fixture.App.CreateResellerUnderAsync(null, name: "distributor");
        var child = await fixture.App.CreateResellerUnderAsync(parent, name: "dealer");
        var credit = await fixture.App.Services.GetRequiredService<WalletService>()
            .CreditAsync(await fixture.App.AdminActorAsync(), parent.WalletId, Money.FromTaka(1_000), null, "opening", Guid.NewGuid().ToString());
        Assert.True(credit.Succeeded, credit.Problem);
        return (parent, child);
    }

    [Fact]
    public async Task Request_balance_sends_the_form_and_the_requester_sees_the_parents_decision_live()
    {
        var (parent, child) = await PairAsync();
        ReportsAppFixture.SignIn(ctx, child.UserId, child.Email, Roles.Reseller);
        ctx.Render<MudPopoverProvider>();
        var provider = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<BalanceRequestsPage>();
        page.WaitForAssertion(() => Assert.Contains("No requests yet", page.Find("[data-testid=my-requests]").TextContent), Wait);

        page.FindAll("button").Single(b => b.TextContent.Trim() == "Request balance").Click();
        provider.WaitForAssertion(() => Assert.Contains($"Goes to {parent.Email}", provider.Find(".mud-dialog").TextContent), Wait);
        var transactionId = "8N7A" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var inputs = provider.FindAll("input:not([type=hidden]), textarea");
        inputs[0].Change("350");
        await provider.InvokeAsync(() => provider.FindComponent<MudSelect<PaymentMethod?>>().Instance.SelectOption(PaymentMethod.Bkash));
        // Amount, Paid from, Transaction ID, Note (the select's input is hidden).
        provider.FindAll("input:not([type=hidden]), textarea")[1].Change("01711000000");
        provider.FindAll("input:not([type=hidden]), textarea")[2].Change(transactionId);
        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Send request").Click();

        page.WaitForAssertion(() => Assert.Contains(transactionId, page.Find("[data-testid=my-requests]").TextContent), Wait);
        Assert.Equal("Pending", page.Find("[data-testid=request-status]").TextContent.Trim());

        var id = (await Requests.MineAsync(child.Actor)).Single().Id;
        Assert.True((await Requests.RejectAsync(parent.Actor, id, "Wrong number: pay 01911 instead")).Succeeded);

        page.WaitForAssertion(() => Assert.Equal("Rejected", page.Find("[data-testid=request-status]").TextContent.Trim()), Wait);
        Assert.Contains("Wrong number: pay 01911 instead", page.Find("[data-testid=rejection-reason]").TextContent);
    }

    [Fact]
    public async Task A_parent_approves_from_Requests_to_me_with_Confirm_after_seeing_both_wallets()
    {
        var (parent, child) = await PairAsync();
        var transactionId = "NG" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Assert.True((await Requests.SendAsync(child.Actor, new NewBalanceRequest(Money.FromTaka(400), PaymentMethod.Nagad, "01811000000", transactionId, null),
            Guid.NewGuid().ToString())).Succeeded);
        ReportsAppFixture.SignIn(ctx, parent.UserId, parent.Email, Roles.Reseller);
        ctx.Render<MudPopoverProvider>();
        var provider = ctx.Render<MudDialogProvider>();

        var page = ctx.Render<BalanceRequestsPage>();
        page.WaitForAssertion(() => Assert.Contains(transactionId, page.Find("[data-testid=requests-to-me]").TextContent), Wait);
        page.Find($"button[aria-label='Approve ৳400.00 for {child.Email}']").Click();

        provider.WaitForAssertion(() => Assert.Contains("৳600.00", provider.Find("[data-testid=your-wallet]").TextContent), Wait);
        Assert.Contains("৳400.00", provider.Find("[data-testid=their-wallet]").TextContent);
        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Confirm").Click();

        page.WaitForAssertion(() => Assert.Contains("No requests waiting for you", page.Find("[data-testid=requests-to-me]").TextContent), Wait);
        page.WaitForAssertion(() => Assert.Equal("৳600.00", page.Find("[data-testid=wallet-balance]").TextContent.Trim()), Wait);
        Assert.Contains(transactionId, page.Find("[data-testid=requests-decided]").TextContent);
        await using var db = await fixture.App.DbAsync();
        Assert.Equal(40_000, await db.Wallets.Where(w => w.Id == child.WalletId).Select(w => w.BalancePoisha).SingleAsync());
    }
}
