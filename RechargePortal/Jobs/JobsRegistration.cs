using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using RechargePortal.Data;
using RechargePortal.Security;

namespace RechargePortal.Jobs;

public static class JobsRegistration
{
    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        var storage = StorageOf(builder.Configuration);
        builder.Services.AddOptions<JobsOptions>()
            .Bind(builder.Configuration.GetSection(JobsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();

        // One storage per host, resolved from DI everywhere (server, clients, dashboard) rather than Hangfire's
        // static JobStorage.Current, which several hosts in one process (the tests) would share and dispose under
        // each other. In memory (SQLite, one instance): the database, not Hangfire, holds what must survive a
        // restart, and recurring sweepers pick up whatever is due after one. On PostgreSQL: in the portal's
        // database, shared by every instance. Made when first resolved, after the database was initialized.
        var connectionString = builder.Configuration.GetConnectionString(DataRegistration.ConnectionStringName);
        builder.Services.AddSingleton<JobStorage>(_ => storage == JobStorageKind.PostgreSql
            ? PostgreSqlJobStorage.Create(connectionString!)
            : new InMemoryStorage());
        builder.Services.AddSingleton(new JobStorageInfo(storage));
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

    /// <summary>
    /// <c>Jobs:Storage</c>, read before the services are built (it decides which storage is made): empty follows
    /// <c>Database:Provider</c>. A value that is not a storage, or PostgreSql storage without a PostgreSQL database,
    /// stops the start with a message naming the keys.
    /// </summary>
    public static JobStorageKind StorageOf(IConfiguration configuration)
    {
        var database = DataRegistration.ProviderOf(configuration);
        var configured = configuration[$"{JobsOptions.Section}:{nameof(JobsOptions.Storage)}"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return database == DatabaseProvider.PostgreSql ? JobStorageKind.PostgreSql : JobStorageKind.InMemory;
        }

        // Names only: Enum.TryParse would also take "1" or "7".
        var storage = Enum.GetValues<JobStorageKind>().Cast<JobStorageKind?>()
            .FirstOrDefault(kind => string.Equals(kind.ToString(), configured.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException(
                $"Jobs:Storage is '{configured}': use InMemory or PostgreSql, or leave it empty to follow Database:Provider ({database}).");
        if (storage == JobStorageKind.PostgreSql && database != DatabaseProvider.PostgreSql)
        {
            throw new InvalidOperationException(
                $"Jobs:Storage is PostgreSql but Database:Provider is {database}: Hangfire keeps its jobs in the portal's PostgreSQL database, "
                + "so set Database:Provider to PostgreSql too (or Jobs:Storage to InMemory).");
        }

        return storage;
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

/// <summary>Which storage this host's Hangfire uses (for <c>/health</c>).</summary>
public sealed record JobStorageInfo(JobStorageKind Kind);
