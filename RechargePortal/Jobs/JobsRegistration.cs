using Hangfire;
using Hangfire.Dashboard;
using RechargePortal.Security;

namespace RechargePortal.Jobs;

public static class JobsRegistration
{
    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobsOptions>()
            .Bind(builder.Configuration.GetSection(JobsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();

        // In-memory storage: the database, not Hangfire, holds what must survive a restart;
        // recurring sweepers pick up whatever is due after one.
        builder.Services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseInMemoryStorage());
        if (options.ServerEnabled)
        {
            builder.Services.AddHangfireServer(server => server.WorkerCount = options.WorkerCount);
        }

        return builder;
    }

    /// <summary>The dashboard at <c>/hangfire</c>, for admins only.</summary>
    public static IEndpointConventionBuilder MapJobsDashboard(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            DashboardTitle = "RechargePortal jobs",
            AppPath = "/",
            Authorization = [new AdminOnlyDashboardFilter()],
        })
            .RequireAuthorization(policy => policy.RequireRole(Roles.Admin));

    // Second line of defence behind the endpoint policy: Hangfire checks the role itself too.
    private sealed class AdminOnlyDashboardFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Admin);
    }
}
