using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Offers;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Providers;

/// <summary>"Check balance now" and "Refresh offer packs now" check the actor in the service, not only the page.</summary>
public sealed class ProviderButtonsAccessTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task Only_an_active_admin_makes_the_portal_ask_a_provider_for_its_balance_or_packs()
    {
        var admins = app.Services.GetRequiredService<ProviderAdminService>();
        var offers = app.Services.GetRequiredService<OfferPackService>();
        var reseller = await ActorAsync(await app.CreateUserAsync(Roles.Reseller));

        Assert.Null(await admins.CheckBalanceNowAsync(reseller, "Ecare"));
        Assert.Null(await offers.RefreshNowAsync(reseller, "Ecare"));
        await using (var db = await app.DbAsync())
        {
            Assert.False(await db.Set<ProviderBalanceSnapshot>().AnyAsync(s => s.Provider == "Ecare"));
        }

        var admin = await app.AdminActorAsync();
        Assert.IsType<BalanceResult.Known>(await admins.CheckBalanceNowAsync(admin, "Ecare"));
        Assert.True((await offers.RefreshNowAsync(admin, "Ecare"))!.Succeeded);
    }

    private async Task<Actor> ActorAsync(string email)
    {
        await using var db = await app.DbAsync();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Email == email);
        return new Actor(user.Id, email, user.SecurityStamp);
    }
}
