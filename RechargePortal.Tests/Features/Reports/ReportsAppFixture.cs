using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Reports;
using RechargePortal.Features.Users;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Reports;

/// <summary>
/// The real app, its own database and a clock stopped at a known Bangladesh afternoon, so "today",
/// "this month" and "the last 7 days" are fixed days the tests fill with known recharges.
/// </summary>
public sealed class ReportsAppFixture : IDisposable
{
    /// <summary>Wednesday 18 March 2026, 15:00 in Bangladesh.</summary>
    public static readonly DateTime NowUtc = ReportData.Dhaka(2026, 3, 18, 15);

    public static readonly DateOnly Today = new(2026, 3, 18);

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(NowUtc, TimeSpan.Zero));

    public PortalAppFactory App { get; }

    public ReportsAppFixture() => App = new PortalAppFactory(null, new Dictionary<string, string?>(), Time);

    public void Dispose() => App.Dispose();

    public async Task<Reseller> ResellerAsync()
    {
        var (userId, walletId) = await App.CreateFundedResellerAsync(Money.FromTaka(1_000));
        await using var db = await App.DbAsync();
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email!).SingleAsync();
        return new Reseller(userId, walletId, email);
    }

    public async Task AddAsync(params Recharge[] recharges)
    {
        await using var db = await App.DbAsync();
        await ReportData.AddAsync(db, recharges);
    }

    public async Task AddReadingsAsync(params ProviderBalanceSnapshot[] readings)
    {
        await using var db = await App.DbAsync();
        db.AddRange(readings);
        await db.SaveChangesAsync();
    }

    /// <summary>A bUnit context with MudBlazor and the app's real report, recharge and wallet services.</summary>
    public BunitContext NewContext()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddLocalization();
        var app = App.Services;
        ctx.Services.AddSingleton<TimeProvider>(Time);
        ctx.Services.AddSingleton(app.GetRequiredService<ReportService>());
        ctx.Services.AddSingleton(app.GetRequiredService<RechargeService>());
        ctx.Services.AddSingleton(app.GetRequiredService<ReviewQueueService>());
        ctx.Services.AddSingleton(app.GetRequiredService<LedgerAuditService>());
        ctx.Services.AddSingleton(app.GetRequiredService<RechargeNotifier>());
        ctx.Services.AddSingleton(app.GetRequiredService<WalletService>());
        ctx.Services.AddSingleton(app.GetRequiredService<UserAdminService>());
        ctx.Services.AddSingleton(app.GetRequiredService<ProviderAdminService>());
        ctx.Services.AddSingleton(app.GetRequiredService<ProviderStatusNotifier>());
        return ctx;
    }

    /// <summary>Signs a new account in <paramref name="role"/> in (the services check the actor against the database).</summary>
    public async Task<Actor> SignInNewAsync(BunitContext ctx, string role)
    {
        var actor = await App.NewActorAsync(role);
        SignIn(ctx, actor.UserId, actor.Email, role);
        return actor;
    }

    public static void SignIn(BunitContext ctx, string userId, string email, string role)
    {
        var auth = ctx.AddAuthorization();
        auth.SetAuthorized(email);
        auth.SetRoles(role);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId), new Claim(ClaimTypes.Email, email));
    }
}

public sealed record Reseller(string UserId, long WalletId, string Email);
