using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Users;
using RechargePortal.Providers;
using RechargePortal.Providers.Routing;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Providers.Routing;

/// <summary>What the routing page saves: the order per operator, audited, and only by an active admin.</summary>
public sealed class RoutingServiceTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private RoutingService Routing => app.Services.GetRequiredService<RoutingService>();

    private async Task<OperatorRoute> RouteOfAsync(MobileOperator op) => (await Routing.ListAsync()).Single(r => r.Operator == op);

    [Fact]
    public async Task Without_a_saved_route_every_operator_uses_all_providers_in_configuration_order()
    {
        var route = await RouteOfAsync(MobileOperator.Teletalk);

        Assert.True(route.IsDefault);
        Assert.Equal(["Ecare", "Flexi"], route.Steps.Select(s => s.Provider));
        Assert.All(route.Steps, s => Assert.True(s.Configured));
    }

    [Fact]
    public async Task Saving_a_new_order_changes_the_route_and_is_audited()
    {
        var admin = await app.AdminActorAsync();

        var result = await Routing.SetRouteAsync(admin, MobileOperator.Robi, ["Flexi", "Ecare"]);

        Assert.True(result.Succeeded, result.Error);
        var route = await RouteOfAsync(MobileOperator.Robi);
        Assert.False(route.IsDefault);
        Assert.Equal(["Flexi", "Ecare"], route.Steps.Select(s => s.Provider));
        await using (var db = await app.DbAsync())
        {
            Assert.Equal(["Flexi", "Ecare"], await ActiveRouteAsync(db, MobileOperator.Robi));
        }

        var audit = await AuditOfAsync(MobileOperator.Robi);
        var entry = Assert.Single(audit);
        Assert.Equal(admin.Email, entry.ActorEmail);
        Assert.Contains("Flexi → Ecare", entry.Details);

        // The same order again changes nothing and writes no second entry.
        Assert.True((await Routing.SetRouteAsync(admin, MobileOperator.Robi, ["Flexi", "Ecare"])).Succeeded);
        Assert.Single(await AuditOfAsync(MobileOperator.Robi));
    }

    [Fact]
    public async Task Removing_a_provider_leaves_only_the_rest()
    {
        var admin = await app.AdminActorAsync();

        Assert.True((await Routing.SetRouteAsync(admin, MobileOperator.Airtel, ["Ecare"])).Succeeded);

        Assert.Equal(["Ecare"], (await RouteOfAsync(MobileOperator.Airtel)).Steps.Select(s => s.Provider));
    }

    [Fact]
    public async Task A_locked_admin_is_refused_and_nothing_changes()
    {
        var seeded = await app.AdminActorAsync();
        var email = await app.CreateUserAsync(Roles.Admin);
        var other = await app.FindUserAsync(email);
        var otherActor = new Actor(other.Id, email, other.SecurityStamp);
        Assert.True((await app.Services.GetRequiredService<UserAdminService>().LockAsync(seeded, other.Id)).Succeeded);
        var before = await RouteOfAsync(MobileOperator.Banglalink);

        var result = await Routing.SetRouteAsync(otherActor, MobileOperator.Banglalink, ["Flexi", "Ecare"]);

        Assert.False(result.Succeeded);
        Assert.Contains("no longer allows", result.Error);
        var after = await RouteOfAsync(MobileOperator.Banglalink);
        Assert.Equal(before.IsDefault, after.IsDefault);
        Assert.Equal(before.Steps, after.Steps);
        Assert.Empty(await AuditOfAsync(MobileOperator.Banglalink));
    }

    [Fact]
    public async Task A_reseller_is_refused_and_nothing_changes()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var user = await app.FindUserAsync(email);

        var result = await Routing.SetRouteAsync(new Actor(user.Id, email, user.SecurityStamp), MobileOperator.Grameenphone, ["Flexi"]);

        Assert.False(result.Succeeded);
        Assert.True((await RouteOfAsync(MobileOperator.Grameenphone)).IsDefault);
        Assert.Empty(await AuditOfAsync(MobileOperator.Grameenphone));
    }

    public static TheoryData<string[], string> BadRoutes => new()
    {
        { [], "at least one" },
        { ["Ecare", "Nope"], "Nope" },
        { ["Ecare", "ecare"], "only once" },
    };

    [Theory]
    [MemberData(nameof(BadRoutes))]
    public async Task A_bad_route_is_refused_and_nothing_changes(string[] providers, string message)
    {
        var result = await Routing.SetRouteAsync(await app.AdminActorAsync(), MobileOperator.Grameenphone, providers);

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Error);
        Assert.True((await RouteOfAsync(MobileOperator.Grameenphone)).IsDefault);
    }

    private async Task<IReadOnlyList<string>> ActiveRouteAsync(RechargePortal.Data.PortalDbContext db, MobileOperator op) =>
        await Routing.ActiveRouteAsync(db, op);

    private async Task<List<AuditEntry>> AuditOfAsync(MobileOperator op)
    {
        await using var db = await app.DbAsync();
        return await db.Set<AuditEntry>().AsNoTracking()
            .Where(a => a.Action == AuditActions.RouteChanged && a.TargetId == op.ToString()).ToListAsync();
    }
}
