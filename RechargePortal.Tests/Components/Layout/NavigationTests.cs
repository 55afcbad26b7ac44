using Microsoft.Extensions.DependencyInjection;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using MudBlazor.Services;
using RechargePortal.Components.Layout;
using RechargePortal.Security;

namespace RechargePortal.Tests.Components.Layout;

/// <summary>The drawer shows only what the signed-in user's role may open.</summary>
public sealed class NavigationTests : IAsyncLifetime
{
    // Held, not inherited: MudBlazor's services only dispose asynchronously, which xunit 2 does not do for test classes.
    private readonly BunitContext ctx = new();

    public NavigationTests()
    {
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddLocalization();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await ctx.DisposeAsync();

    private BunitAuthorizationContext AddAuthorization() => ctx.AddAuthorization();

    private IRenderedComponent<T> Render<T>(Action<ComponentParameterCollectionBuilder<T>>? parameters = null)
        where T : IComponent => ctx.Render(parameters);

    private static readonly string[] Reports = ["/reports/transactions", "/reports/summary", "/reports/reconciliation"];

    public static TheoryData<string, string[], string[]> Expectations => new()
    {
        { Roles.Admin, ["/", "/admin/users", "/hangfire", "/admin/routing", "/admin/review", .. Reports], ["/recharge", "/recharges"] },
        { Roles.Reseller, ["/", "/recharge", "/recharges", "/reports/transactions"], ["/admin/users", "/hangfire", "/admin/routing", "/admin/review", "/reports/summary", "/reports/reconciliation"] },
        { Roles.Auditor, ["/", .. Reports], ["/admin/users", "/hangfire", "/recharge", "/recharges", "/admin/routing", "/admin/review"] },
    };

    [Fact]
    public void A_resellers_drawer_starts_with_recharge_then_the_history()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@test.local");
        auth.SetRoles(Roles.Reseller);

        var links = Render<NavMenu>().FindAll("a").Select(a => a.GetAttribute("href")).ToList();

        Assert.Equal(["/recharge", "/recharges"], links.Take(2));
    }

    [Theory]
    [MemberData(nameof(Expectations))]
    public void The_drawer_lists_only_the_pages_of_the_role(string role, string[] shown, string[] hidden)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@test.local");
        auth.SetRoles(role);

        var links = Render<NavMenu>().FindAll("a").Select(a => a.GetAttribute("href")).ToList();

        Assert.All(shown, href => Assert.Contains(href, links));
        Assert.All(hidden, href => Assert.DoesNotContain(href, links));
    }

    [Fact]
    public void The_drawer_is_empty_when_nobody_is_signed_in()
    {
        AddAuthorization().SetNotAuthorized();

        Assert.Empty(Render<NavMenu>().FindAll("a"));
    }

    [Fact]
    public void Every_drawer_entry_belongs_to_at_least_one_known_role()
    {
        Assert.All(NavItems.All, item => Assert.All(item.Roles, role => Assert.True(Roles.IsKnown(role), role)));
    }

    [Fact]
    public void The_app_bar_shows_the_users_name_and_role_and_a_sign_out_and_dark_mode_control()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("rahim@test.local");
        auth.SetRoles(Roles.Reseller);
        auth.SetClaims(new Claim(PortalClaimsPrincipalFactory.FullNameClaim, "Rahim Store"));

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));

        var user = layout.Find("[data-testid=current-user]").TextContent;
        Assert.Contains("Rahim Store", user);
        Assert.Contains(Roles.Reseller, user);
        Assert.NotNull(layout.Find("form[action='Account/Logout']"));
        Assert.NotNull(layout.Find("button[aria-label='Toggle dark mode']"));
        Assert.Contains("page body", layout.Markup);
        Assert.DoesNotContain("/admin/users", layout.Markup);
    }
}
