using RechargePortal.Features.Users;

namespace RechargePortal.Features;

public static class FeatureRegistration
{
    public static WebApplicationBuilder AddFeatures(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<UserAdminService>();
        return builder;
    }
}
