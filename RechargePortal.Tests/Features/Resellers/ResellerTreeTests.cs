using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Resellers;
using RechargePortal.Features.Users;
using RechargePortal.Features.Wallets;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Resellers;

/// <summary>The reseller tree: depth and cycles refused, children created by allowed parents, reads down the tree only.</summary>
public sealed class ResellerTreeTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    private UserAdminService Users => app.Services.GetRequiredService<UserAdminService>();

    private WalletService Wallets => app.Services.GetRequiredService<WalletService>();

    private RechargeService Recharges => app.Services.GetRequiredService<RechargeService>();

    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private async Task<(TreeReseller Top, TreeReseller Dealer, TreeReseller Retailer, TreeReseller Sibling)> ChainAsync()
    {
        var top = await app.CreateResellerUnderAsync(null, name: "distributor");
        var dealer = await app.CreateResellerUnderAsync(top, name: "dealer");
        var retailer = await app.CreateResellerUnderAsync(dealer, name: "retailer");
        var sibling = await app.CreateResellerUnderAsync(top, name: "sibling");
        return (top, dealer, retailer, sibling);
    }

    [Fact]
    public async Task Creating_a_reseller_deeper_than_MaxDepth_is_refused_and_creates_nothing()
    {
        var level1 = await app.CreateResellerUnderAsync(null);
        var level2 = await app.CreateResellerUnderAsync(level1);
        var level3 = await app.CreateResellerUnderAsync(level2);
        var level4 = await app.CreateResellerUnderAsync(level3);
        var email = $"too-deep-{Guid.NewGuid():N}@test.local";

        var byAdmin = await Users.CreateAsync(await app.AdminActorAsync(), new NewUserForm
        {
            Email = email,
            FullName = "Too deep",
            Role = Roles.Reseller,
            Password = PortalAppFactory.UserPassword,
            ParentId = level4.UserId,
        });
        var byParent = await Users.CreateChildAsync(level4.Actor, new NewResellerForm { Email = email, FullName = "Too deep", Password = PortalAppFactory.UserPassword });

        Assert.Contains("at most 4", byAdmin.ErrorFor(nameof(NewUserForm.ParentId)));
        Assert.Contains("at most 4", byParent.ErrorFor(nameof(NewUserForm.ParentId)));
        await using var db = await app.DbAsync();
        Assert.False(await db.Users.AnyAsync(u => u.Email == email));
    }

    [Fact]
    public async Task A_reseller_allowed_to_creates_a_child_under_themself_and_one_not_allowed_is_refused()
    {
        var parent = await app.CreateResellerUnderAsync(null, canCreateSubResellers: true);
        var notAllowed = await app.CreateResellerUnderAsync(null, canCreateSubResellers: false);
        var email = $"child-{Guid.NewGuid():N}@test.local";

        var refused = await Users.CreateChildAsync(notAllowed.Actor, new NewResellerForm { Email = email, FullName = "Child", Password = PortalAppFactory.UserPassword });
        var created = await Users.CreateChildAsync(parent.Actor, new NewResellerForm
        {
            Email = email,
            FullName = "Child",
            Password = PortalAppFactory.UserPassword,
            CanCreateSubResellers = true,
        });

        Assert.False(refused.Succeeded);
        Assert.True(created.Succeeded, created.Problem);
        await using var db = await app.DbAsync();
        var child = await db.Users.SingleAsync(u => u.Email == email);
        Assert.Equal(parent.UserId, child.ParentId);
        Assert.True(child.CanCreateSubResellers);
        Assert.True(child.MustChangePassword);
        Assert.True(await db.Wallets.AnyAsync(w => w.UserId == child.Id));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.UserCreated && a.TargetId == child.Id && a.ActorId == parent.UserId));
    }

    [Fact]
    public async Task Moving_a_subtree_under_itself_or_below_itself_is_refused_as_a_cycle()
    {
        var (top, dealer, retailer, _) = await ChainAsync();
        var admin = await app.AdminActorAsync();

        var underItself = await Users.MoveSubtreeAsync(admin, dealer.UserId, dealer.UserId);
        var underItsChild = await Users.MoveSubtreeAsync(admin, dealer.UserId, retailer.UserId);
        var topUnderGrandchild = await Users.MoveSubtreeAsync(admin, top.UserId, retailer.UserId);

        Assert.All([underItself, underItsChild, topUnderGrandchild], r => Assert.Contains("below them", r.ErrorFor("Parent")));
        await using var db = await app.DbAsync();
        Assert.Equal(top.UserId, (await db.Users.SingleAsync(u => u.Id == dealer.UserId)).ParentId);
        Assert.Null((await db.Users.SingleAsync(u => u.Id == top.UserId)).ParentId);
    }

    [Fact]
    public async Task Moving_a_subtree_deeper_than_MaxDepth_is_refused_and_a_move_that_fits_is_audited()
    {
        var (top, dealer, retailer, sibling) = await ChainAsync();
        var otherTop = await app.CreateResellerUnderAsync(null);
        var otherDealer = await app.CreateResellerUnderAsync(otherTop);
        var otherRetailer = await app.CreateResellerUnderAsync(otherDealer);
        var admin = await app.AdminActorAsync();

        // dealer + retailer (2 levels) under a level-3 reseller would be 5 deep.
        var tooDeep = await Users.MoveSubtreeAsync(admin, dealer.UserId, otherRetailer.UserId);
        var fits = await Users.MoveSubtreeAsync(admin, dealer.UserId, otherDealer.UserId);
        var toTop = await Users.MoveSubtreeAsync(admin, sibling.UserId, null);

        Assert.Contains("at most 4", tooDeep.ErrorFor("Parent"));
        Assert.True(fits.Succeeded, fits.Problem);
        Assert.True(toTop.Succeeded, toTop.Problem);
        await using var db = await app.DbAsync();
        Assert.Equal(otherDealer.UserId, (await db.Users.SingleAsync(u => u.Id == dealer.UserId)).ParentId);
        Assert.Equal(dealer.UserId, (await db.Users.SingleAsync(u => u.Id == retailer.UserId)).ParentId);
        Assert.Null((await db.Users.SingleAsync(u => u.Id == sibling.UserId)).ParentId);
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == AuditActions.ResellerMoved && a.TargetId == dealer.UserId);
        Assert.Equal($"{top.Email} → {otherDealer.Email} [{StepUp.AuditNote}]", audit.Details);
    }

    [Fact]
    public async Task A_parent_reads_its_subtrees_wallets_statements_and_recharges_but_never_a_siblings_or_an_ancestors()
    {
        var (top, dealer, retailer, sibling) = await ChainAsync();
        var retailerRecharge = await app.RechargeRowAsync(retailer.UserId);
        var siblingRecharge = await app.RechargeRowAsync(sibling.UserId);

        // Down the tree: a child and a grandchild, read-only.
        Assert.NotNull(await Wallets.StatementAsync(dealer.Actor, retailer.WalletId, Today, Today));
        Assert.NotNull(await Wallets.StatementAsync(top.Actor, retailer.WalletId, Today, Today));
        Assert.NotNull(await Wallets.FindByUserAsync(top.Actor, dealer.UserId));
        Assert.NotNull(await Recharges.FindAsync(top.Actor, retailerRecharge));
        Assert.Single((await Recharges.HistoryAsync(dealer.Actor, retailer.UserId, new HistoryFilter(), 0, 25)).Rows);

        // Never sideways or up.
        await Assert.ThrowsAsync<AccessRefusedException>(() => Wallets.StatementAsync(dealer.Actor, sibling.WalletId, Today, Today));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Wallets.StatementAsync(dealer.Actor, top.WalletId, Today, Today));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Wallets.StatementAsync(retailer.Actor, dealer.WalletId, Today, Today));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Recharges.FindAsync(dealer.Actor, siblingRecharge));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Recharges.HistoryAsync(sibling.Actor, retailer.UserId, new HistoryFilter(), 0, 25));
        await Assert.ThrowsAsync<AccessRefusedException>(() => Wallets.FindByUserAsync(retailer.Actor, top.UserId));
    }

    [Fact]
    public async Task Over_HTTP_a_parent_downloads_a_childs_statement_and_gets_403_for_a_siblings_or_its_parents()
    {
        var (top, dealer, retailer, sibling) = await ChainAsync();
        using var client = await app.SignedInClientAsync(dealer.Email, PortalAppFactory.UserPassword);

        var child = await client.GetAsync($"/wallets/{retailer.WalletId}/statement.csv");
        var siblings = await client.GetAsync($"/wallets/{sibling.WalletId}/statement.csv");
        var parents = await client.GetAsync($"/wallets/{top.WalletId}/statement.csv");

        Assert.Equal(HttpStatusCode.OK, child.StatusCode);
        Assert.Contains("Opening balance", await child.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, siblings.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, parents.StatusCode);
        Assert.DoesNotContain("Opening balance", await siblings.Content.ReadAsStringAsync());

        var page = await client.GetStringAsync("/my-resellers");
        Assert.Contains(retailer.Email, page);
        Assert.DoesNotContain(sibling.Email, page);
        Assert.DoesNotContain(top.Email, page);
    }

    [Fact]
    public async Task A_parent_locks_unlocks_and_resets_a_child_but_cannot_touch_a_sibling_or_its_own_parent()
    {
        var (top, dealer, retailer, sibling) = await ChainAsync();

        Assert.Equal("That reseller is not one of yours.", (await Users.ResetChildPasswordAsync(retailer.Actor, dealer.UserId)).Error);
        Assert.True((await Users.LockChildAsync(dealer.Actor, retailer.UserId)).Succeeded);
        await using (var db = await app.DbAsync())
        {
            Assert.True((await db.Users.SingleAsync(u => u.Id == retailer.UserId)).IsLockedAt(DateTimeOffset.UtcNow));
        }

        Assert.True((await Users.UnlockChildAsync(dealer.Actor, retailer.UserId)).Succeeded);
        var reset = await Users.ResetChildPasswordAsync(dealer.Actor, retailer.UserId);
        Assert.True(reset.Succeeded, reset.Problem);
        var temporary = reset.Message!.Split(": ")[^1];

        Assert.Equal("That reseller is not one of yours.", (await Users.LockChildAsync(dealer.Actor, sibling.UserId)).Error);
        Assert.Equal("That reseller is not one of yours.", (await Users.LockChildAsync(dealer.Actor, top.UserId)).Error);

        await using var after = await app.DbAsync();
        var user = await after.Users.SingleAsync(u => u.Id == retailer.UserId);
        Assert.False(user.IsLockedAt(DateTimeOffset.UtcNow));
        Assert.True(user.MustChangePassword);
        Assert.False((await after.Users.SingleAsync(u => u.Id == sibling.UserId)).IsLockedAt(DateTimeOffset.UtcNow));
        Assert.Equal(Microsoft.AspNetCore.Identity.PasswordVerificationResult.Success, PasswordVerificationResultOf(user, temporary));
    }

    private Microsoft.AspNetCore.Identity.PasswordVerificationResult PasswordVerificationResultOf(RechargePortal.Data.PortalUser user, string password) =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Identity.IPasswordHasher<RechargePortal.Data.PortalUser>>().VerifyHashedPassword(user, user.PasswordHash!, password);

    [Fact]
    public async Task The_subtree_lists_children_before_grandchildren_with_their_level_names_and_never_the_parent_side()
    {
        var (top, dealer, retailer, sibling) = await ChainAsync();
        var service = app.Services.GetRequiredService<ResellerService>();

        var fromTop = await service.SubtreeAsync(top.Actor);
        var fromDealer = await service.SubtreeAsync(dealer.Actor);

        Assert.Equal([dealer.UserId, retailer.UserId, sibling.UserId], fromTop.Select(n => n.UserId).OrderBy(id => id == sibling.UserId).ToArray());
        Assert.Equal(["Dealer", "Retailer"], fromTop.Where(n => n.UserId != sibling.UserId).Select(n => n.Level));
        Assert.Equal([retailer.UserId], fromDealer.Select(n => n.UserId));
        Assert.Empty(await service.SubtreeAsync(retailer.Actor));
        Assert.Equal("Distributor", (await service.SelfAsync(top.Actor)).Level);
    }

    [Fact]
    public void Level_names_must_cover_every_level_up_to_MaxDepth()
    {
        var options = new ResellerOptions { MaxDepth = 4, LevelNames = ["A", "B"] };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, true));
        Assert.Equal("Dealer", new ResellerOptions().LevelName(2));
        Assert.Equal("Level 5", new ResellerOptions().LevelName(5));
    }
}
