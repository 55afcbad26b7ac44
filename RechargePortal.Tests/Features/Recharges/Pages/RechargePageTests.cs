using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Recharges.Pages;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;

namespace RechargePortal.Tests.Features.Recharges.Pages;

/// <summary>The recharge form against the real services: a placement an abuse limit refuses says why beside the form.</summary>
public sealed class RechargePageTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    // Held, not inherited: MudBlazor's services only dispose asynchronously.
    private readonly BunitContext ctx = new();
    private PipelineHarness h = null!;

    public async Task InitializeAsync()
    {
        h = await PipelineHarness.StartAsync(new() { ["RateLimits:RechargesPerResellerPerMinute"] = "1" });
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddLocalization();
        ctx.Services.AddSingleton(h.Recharges);
        ctx.Services.AddSingleton(h.App.Services.GetRequiredService<WalletService>());
        ctx.Services.AddSingleton(h.App.Services.GetRequiredService<RechargeNotifier>());
        var auth = ctx.AddAuthorization();
        auth.SetAuthorized(h.Reseller.Email);
        auth.SetRoles(Roles.Reseller);
        auth.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, h.Reseller.UserId),
            new Claim(ClaimTypes.Email, h.Reseller.Email),
            new Claim(Actor.SecurityStampClaim, h.Reseller.SecurityStamp ?? ""));
    }

    public async Task DisposeAsync()
    {
        await ctx.DisposeAsync();
        await h.DisposeAsync();
    }

    private static IElement Input(IRenderedComponent<RechargePage> page, string label) =>
        page.FindAll(".mud-input-control").Single(c => c.QuerySelector("label")?.TextContent.Trim() == label).QuerySelector("input")!;

    [Fact]
    public async Task A_placement_over_the_per_minute_limit_closes_the_confirmation_and_says_why_beside_the_form()
    {
        Assert.True((await h.Recharges.PlaceAndSendAsync(h.Reseller, PipelineHarness.Form(), Guid.NewGuid().ToString("N"), false)).Succeeded);
        var dialogs = ctx.Render<MudDialogProvider>();
        var page = ctx.Render<RechargePage>();
        page.WaitForAssertion(() => Assert.Equal("৳900.00", page.Find("[data-testid=wallet-balance]").TextContent.Trim()), Wait);

        await Input(page, "Mobile number").InputAsync(new ChangeEventArgs { Value = "01812345672" });
        await Input(page, "Amount").InputAsync(new ChangeEventArgs { Value = "50" });
        page.FindAll("button").Single(b => b.TextContent.Trim() == "Recharge").Click(); // not awaited: its handler waits for the dialog
        dialogs.WaitForAssertion(() => Assert.Equal("01812-345672", dialogs.Find("[data-testid=confirm-number]").TextContent.Trim()), Wait);
        await dialogs.Find("[data-testid=confirm-button]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(
            "Too many recharges: at most 1 a minute. Try again in 60 seconds. Nothing was charged.",
            page.Find("[data-testid=recharge-form] [data-testid=form-error]").TextContent.Trim()), Wait);
        Assert.Empty(dialogs.FindAll("[data-testid=confirm-button]"));
        Assert.Empty(page.FindAll("[data-testid=recharge-card]"));
        Assert.Equal(Money.FromTaka(900), await h.BalanceAsync());
    }
}
