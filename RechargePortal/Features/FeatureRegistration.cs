using RechargePortal.Features.Audit;
using RechargePortal.Features.BalanceRequests;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Operations;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Reports;
using RechargePortal.Features.Resellers;
using RechargePortal.Features.Users;
using RechargePortal.Features.Wallets;
using RechargePortal.Jobs;
using RechargePortal.Providers.Routing;

namespace RechargePortal.Features;

public static class FeatureRegistration
{
    public static WebApplicationBuilder AddFeatures(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<UserAdminService>();
        // Stateless (a DbContext per call): singletons, so the recharge jobs and pages share them.
        builder.Services.AddSingleton<WalletService>();
        builder.Services.AddSingleton<CommissionService>();
        builder.Services.AddScoped<AuditLogService>();
        builder.Services.AddOptions<RechargeOptions>()
            .Bind(builder.Configuration.GetSection(RechargeOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ResellerOptions>()
            .Bind(builder.Configuration.GetSection(ResellerOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ResellerService>();
        builder.Services.AddSingleton<BalanceRequestNotifier>();
        builder.Services.AddSingleton<BalanceRequestService>();
        builder.Services.AddSingleton<RechargeNotifier>();
        builder.Services.AddSingleton<RoutingService>();
        builder.Services.AddSingleton<RechargeProcessor>();
        builder.Services.AddSingleton<RechargeService>();
        builder.Services.AddSingleton<ReviewQueueService>();
        builder.Services.AddSingleton<ReportService>();
        builder.Services.AddTransient<CheckRechargeJob>();
        builder.Services.AddTransient<ReconcilePendingRechargesJob>();
        builder.Services.AddSingleton<LedgerAuditService>();
        builder.Services.AddTransient<LedgerAuditJob>();
        builder.Services.AddHostedService<RechargeJobsScheduler>();
        builder.Services.AddOptions<PortalInstanceOptions>().Bind(builder.Configuration.GetSection(PortalInstanceOptions.Section));
        builder.Services.AddSingleton<PortalInstance>();
        return builder;
    }
}
