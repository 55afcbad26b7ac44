using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Dashboard;
using Hangfire.InMemory;
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
        // recurring sweepers pick up whatever is due after one. One storage per host, resolved from
        // DI everywhere (server, clients, dashboard) rather than Hangfire's static JobStorage.Current,
        // which several hosts in one process (the tests) would share and dispose under each other.
        builder.Services.AddSingleton<JobStorage>(_ => new InMemoryStorage());
        // Likewise the activator: Hangfire's default is the static JobActivator.Current, set by the
        // last host configured, so a job could run with another host's services (and database).
        builder.Services.AddSingleton<JobActivator>(services => new AspNetCoreJobActivator(services.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddHangfire((services, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HostLogProvider(services.GetRequiredService<ILoggerFactory>()))
            .UseStorage(services.GetRequiredService<JobStorage>()));
        if (options.ServerEnabled)
        {
            builder.Services.AddHangfireServer(server =>
            {
                server.WorkerCount = options.WorkerCount;
                // Status checks are scheduled seconds ahead; the default 15 s polling would delay the first one.
                server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            });
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

    /// <summary>
    /// Hangfire's log provider is static, one per process: where several hosts share a process (the
    /// tests), the last one configured wins, and once it is disposed its logger factory throws for the
    /// others' job clients. Logging through a disposed factory is dropped instead of failing the job.
    /// </summary>
    private sealed class HostLogProvider(ILoggerFactory loggers) : Hangfire.Logging.ILogProvider
    {
        private readonly AspNetCoreLogProvider inner = new(loggers);

        public Hangfire.Logging.ILog GetLogger(string name)
        {
            try
            {
                return new DisposalSafeLog(inner.GetLogger(name));
            }
            catch (ObjectDisposedException)
            {
                return new DisposalSafeLog(null);
            }
        }
    }

    private sealed class DisposalSafeLog(Hangfire.Logging.ILog? inner) : Hangfire.Logging.ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                return inner?.Log(logLevel, messageFunc, exception) ?? false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
