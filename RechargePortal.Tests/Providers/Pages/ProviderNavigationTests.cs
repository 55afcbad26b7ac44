using Microsoft.Extensions.DependencyInjection;
using Bunit;
using MudBlazor.Services;
using RechargePortal.Components.Layout;
using RechargePortal.Security;

namespace RechargePortal.Tests.Providers.Pages;

/// <summary>Providers is for admins; offer packs for resellers and admins; auditors see neither.</summary>
public sealed class ProviderNavigationTests : IAsyncLifetime
{
    private readonly BunitContext ctx = new();

    public ProviderNavigationTests()
    {
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddLocalization();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await ctx.DisposeAsync();

    [Theory]
    [InlineData(Roles.Admin, true, true)]
    [InlineData(Roles.Reseller, false, true)]
    [InlineData(Roles.Auditor, false, false)]
    public void The_drawer_shows_providers_and_offer_packs_to_the_right_roles(string role, bool providers, bool offers)
    {
        var auth = ctx.AddAuthorization();
        auth.SetAuthorized("someone@test.local");
        auth.SetRoles(role);

        var links = ctx.Render<NavMenu>().FindAll("a").Select(a => a.GetAttribute("href")).ToList();

        Assert.Equal(providers, links.Contains("/admin/providers"));
        Assert.Equal(offers, links.Contains("/offers"));
    }
}
