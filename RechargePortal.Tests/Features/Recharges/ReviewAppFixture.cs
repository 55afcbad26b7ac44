using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Recharges;
using RechargePortal.Data;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Recharges;

/// <summary>The real app on the built-in sandbox, with time moved by hand so a recharge can pass its deadline.</summary>
public sealed class ReviewAppFixture : IDisposable
{
    // Starts at the real time so sign-in cookies and the like stay plausible; tests only move it forward.
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public PortalAppFactory App { get; }

    public ReviewAppFixture() => App = new PortalAppFactory(null, new Dictionary<string, string?>(), Time);

    public RechargeService Recharges => App.Services.GetRequiredService<RechargeService>();

    public ReviewQueueService Reviews => App.Services.GetRequiredService<ReviewQueueService>();

    public void Dispose() => App.Dispose();

    /// <summary>
    /// A funded reseller's recharge to a number ending in 8 (the sandbox accepts it and never finishes
    /// it), moved past its deadline by the sweeper: it is in Needs review.
    /// </summary>
    public async Task<InReview> RechargeInReviewAsync(long balanceTaka = 1_000, string number = "01712345678", string amount = "100")
    {
        // 2.5 % on Grameenphone prepaid in the default plan, so a success earns a commission (৳2.50 on ৳100).
        var commissions = App.Services.GetRequiredService<CommissionService>();
        var plan = (await commissions.ListAsync()).Single(p => p.IsDefault);
        Assert.True((await commissions.SetRateAsync(await App.AdminActorAsync(), plan.Id, MobileOperator.Grameenphone, NumberType.Prepaid, "2.50")).Succeeded);

        var (userId, walletId) = await App.CreateFundedResellerAsync(Money.FromTaka(balanceTaka));
        PortalUser user;
        await using (var db = await App.DbAsync())
        {
            user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        }

        var reseller = new Actor(user.Id, user.Email!, user.SecurityStamp);
        var placed = await Recharges.PlaceAndSendAsync(
            reseller, new RechargeForm { Number = number, NumberType = NumberType.Prepaid, Amount = amount }, Guid.NewGuid().ToString("N"), false);
        Assert.True(placed.Succeeded, placed.Error ?? string.Join("; ", placed.Errors.Values));
        var id = placed.RechargeId!.Value;
        Assert.Equal(RechargeStatus.Processing, (await Recharges.FindAsync(await App.AdminActorAsync(), id))!.Status);

        Time.Advance(TimeSpan.FromMinutes(31));
        await App.Services.GetRequiredService<RechargeProcessor>().SweepAsync();

        var view = (await Recharges.FindAsync(await App.AdminActorAsync(), id))!;
        Assert.Equal(RechargeStatus.NeedsReview, view.Status);
        return new InReview(id, view.Reference, userId, walletId, reseller, view);
    }
}

public sealed record InReview(long Id, string Reference, string UserId, long WalletId, Actor Reseller, RechargeView View);
