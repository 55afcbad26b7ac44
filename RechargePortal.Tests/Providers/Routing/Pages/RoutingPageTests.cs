using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using RechargePortal.Providers;
using RechargePortal.Providers.Routing;
using RechargePortal.Providers.Routing.Pages;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Providers.Routing.Pages;

/// <summary>The routing page against the real services: reorder, then Save (only enabled once something changed).</summary>
public sealed class RoutingPageTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    // Held, not inherited: MudBlazor's services only dispose asynchronously.
    private readonly BunitContext ctx = new();

    public async Task InitializeAsync()
    {
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddLocalization();
        foreach (var type in new[] { typeof(RoutingService), typeof(ProviderRegistry), typeof(ProviderAdminService), typeof(ProviderStatusNotifier), typeof(StepUp) })
        {
            ctx.Services.AddSingleton(type, app.Services.GetRequiredService(type));
        }

        var admin = await app.AdminActorAsync();
        var auth = ctx.AddAuthorization();
        auth.SetAuthorized(admin.Email);
        auth.SetRoles(Roles.Admin);
        auth.SetClaims(
            new Claim(ClaimTypes.NameIdentifier, admin.UserId),
            new Claim(ClaimTypes.Email, admin.Email),
            new Claim(Actor.SecurityStampClaim, admin.SecurityStamp ?? ""));
    }

    public async Task DisposeAsync() => await ctx.DisposeAsync();

    private static IElement ButtonLabelled(IRenderedComponent<RoutingPage> page, string label) => page.Find($"button[aria-label='{label}']");

    [Fact]
    public async Task Moving_a_provider_up_and_saving_changes_the_order()
    {
        var page = ctx.Render<RoutingPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=route-Teletalk]")), Wait);
        Assert.Contains("definitely refuses", page.Find("[data-testid=routing-rule]").TextContent);
        Assert.Contains("Default (all providers in configuration order)", page.Find("[data-testid=route-Teletalk]").TextContent);
        Assert.True(ButtonLabelled(page, "Save Teletalk route").HasAttribute("disabled"));

        await ButtonLabelled(page, "Move Flexi up for Teletalk").ClickAsync(new());
        Assert.False(ButtonLabelled(page, "Save Teletalk route").HasAttribute("disabled"));
        var dialogs = ctx.Render<MudDialogProvider>();
        var saving = ButtonLabelled(page, "Save Teletalk route").ClickAsync(new());
        // Routing decides where money goes: the admin confirms with their password (no authenticator here).
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("input[data-testid=step-up]")), Wait);
        await dialogs.Find("input[data-testid=step-up]").ChangeAsync(new() { Value = PortalAppFactory.AdminPassword });
        await dialogs.FindAll("button").Single(b => b.TextContent.Contains("Save route", StringComparison.Ordinal)).ClickAsync(new());
        await saving;

        page.WaitForAssertion(() => Assert.True(ButtonLabelled(page, "Save Teletalk route").HasAttribute("disabled")), Wait);
        var saved = (await app.Services.GetRequiredService<RoutingService>().ListAsync()).Single(r => r.Operator == MobileOperator.Teletalk);
        Assert.False(saved.IsDefault);
        Assert.Equal(["Flexi", "Ecare"], saved.Steps.Select(s => s.Provider));
    }

    [Fact]
    public void Removing_every_provider_keeps_Save_disabled_and_says_why()
    {
        var page = ctx.Render<RoutingPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=route-Airtel]")), Wait);

        // MudBlazor's buttons run their click asynchronously: the second button (its index moves) is found after the first removal shows.
        ButtonLabelled(page, "Remove Ecare from Airtel").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("button[aria-label='Remove Ecare from Airtel']")), Wait);
        ButtonLabelled(page, "Remove Flexi from Airtel").Click();

        page.WaitForAssertion(() =>
        {
            Assert.Contains("add at least one", page.Find("[data-testid=route-Airtel]").TextContent);
            Assert.True(ButtonLabelled(page, "Save Airtel route").HasAttribute("disabled"));
        }, Wait);
    }
}
