using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Users;
using RechargePortal.Providers;
using RechargePortal.Security;

namespace RechargePortal.Tests.TestSupport;

/// <summary>A reseller created by the admin somewhere in the tree, ready to sign in.</summary>
public sealed record TreeReseller(string UserId, string Email, long WalletId)
{
    /// <summary>As their session carries them, confirming step-ups with their password.</summary>
    public Actor Actor { get; init; } = null!;
}

public static class ResellerTreeSupport
{
    public static async Task<TreeReseller> CreateResellerUnderAsync(
        this PortalAppFactory app, TreeReseller? parent, bool canCreateSubResellers = true, long? planId = null, string? name = null)
    {
        var email = $"{name ?? "reseller"}-{Guid.NewGuid():N}@test.local";
        var result = await app.Services.GetRequiredService<UserAdminService>().CreateAsync(await app.AdminActorAsync(), new NewUserForm
        {
            Email = email,
            FullName = $"Test {name ?? "reseller"}",
            Role = Roles.Reseller,
            Password = PortalAppFactory.UserPassword,
            ParentId = parent?.UserId,
            CanCreateSubResellers = canCreateSubResellers,
            CommissionPlanId = planId,
        });
        Assert.True(result.Succeeded, result.Problem);
        await using var db = await app.DbAsync();
        await db.Users.Where(u => u.Email == email).ExecuteUpdateAsync(u => u.SetProperty(x => x.MustChangePassword, false));
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Email == email);
        var walletId = await db.Wallets.Where(w => w.UserId == user.Id).Select(w => w.Id).SingleAsync();
        return new TreeReseller(user.Id, email, walletId)
        {
            Actor = new Actor(user.Id, email, user.SecurityStamp) { StepUpProof = PortalAppFactory.UserPassword },
        };
    }

    /// <summary>A new commission plan paying <paramref name="rate"/> % on Grameenphone prepaid (and nothing else), made by the admin.</summary>
    public static async Task<long> GrameenphonePlanAsync(this PortalAppFactory app, string rate)
    {
        var commissions = app.Services.GetRequiredService<CommissionService>();
        var admin = await app.AdminActorAsync();
        var name = $"GP {rate} {Guid.NewGuid():N}";
        Assert.True((await commissions.CreatePlanAsync(admin, name, PackCommissionMode.PlanRate)).Succeeded);
        var id = (await commissions.ListAsync()).Single(p => p.Name == name).Id;
        var set = await commissions.SetRateAsync(admin, id, MobileOperator.Grameenphone, NumberType.Prepaid, rate);
        Assert.True(set.Succeeded, set.Problem);
        return id;
    }
}
