using RechargePortal.Features.Audit;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Users;
using RechargePortal.Features.Wallets;

namespace RechargePortal.Features;

public static class FeatureRegistration
{
    public static WebApplicationBuilder AddFeatures(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<UserAdminService>();
        builder.Services.AddScoped<WalletService>();
        builder.Services.AddScoped<CommissionService>();
        builder.Services.AddScoped<AuditLogService>();
        return builder;
    }
}
