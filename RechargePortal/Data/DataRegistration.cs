using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Security;

namespace RechargePortal.Data;

public static class DataRegistration
{
    public const string ConnectionStringName = "Portal";
    private const string DefaultConnectionString = "Data Source=recharge-portal.db";

    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var provider = ProviderOf(builder.Configuration);
        var configured = builder.Configuration.GetConnectionString(ConnectionStringName);
        string? keyRingKeyFile;
        if (provider == DatabaseProvider.PostgreSql)
        {
            if (string.IsNullOrWhiteSpace(configured))
            {
                throw new InvalidOperationException("Database:Provider is PostgreSql: set ConnectionStrings:Portal to the server's connection string.");
            }

            // Registers IDbContextFactory<PortalDbContext> (making the PostgreSQL context) and, for Identity's stores, a scoped context.
            builder.Services.AddDbContextFactory<PortalDbContext, PostgreSqlPortalDbContextFactory>(options => options
                .UseNpgsql(configured)
                .AddInterceptors(new PostgreSqlWriteLock()));
            keyRingKeyFile = "recharge-portal.keyring-key";
            // Several instances share this database: the notifiers' events reach the others through LISTEN/NOTIFY.
            builder.Services.AddSingleton(sp => new ClusterNotifications(sp.GetRequiredService<ILogger<ClusterNotifications>>(), relayed: true));
            builder.Services.AddHostedService(sp => new PostgreSqlNotificationRelay(
                sp.GetRequiredService<ClusterNotifications>(), configured, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PostgreSqlNotificationRelay>>()));
        }
        else
        {
            var connectionString = ResolveConnectionString(configured, builder.Environment.ContentRootPath);
            // Registers IDbContextFactory<PortalDbContext> and, for Identity's stores, a scoped context.
            // A writer that meets another's lock waits for it in SQLite, in short steps (SqliteBusyWait).
            builder.Services.AddDbContextFactory<PortalDbContext>(options => options.UseSqlite(connectionString).AddInterceptors(new SqliteBusyWait()));
            keyRingKeyFile = KeyRingKeyFileBeside(connectionString);
            // One instance: the notifiers' events stay in this process.
            builder.Services.AddSingleton(sp => new ClusterNotifications(sp.GetRequiredService<ILogger<ClusterNotifications>>()));
        }

        // The key ring that protects sign-in and antiforgery cookies lives in the database, not in a
        // folder of this machine's: a restart, a redeploy or a second instance keeps everyone signed in.
        // Its keys are encrypted with a key kept outside the database, so a copy of the database cannot forge cookies.
        builder.Services.AddDataProtection()
            .SetApplicationName("RechargePortal")
            .PersistKeysToDbContext<PortalDbContext>()
            .ProtectKeysWithKeyRingKey(builder.Configuration, builder.Environment.ContentRootPath, keyRingKeyFile);
        builder.Services.AddOptions<SeedOptions>()
            .Bind(builder.Configuration.GetSection(SeedOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddTransient<DatabaseInitializer>();
        builder.Services.AddSingleton<DatabaseStatus>();
        return builder;
    }

    /// <summary><c>Database:Provider</c>, read before the services are built (it decides which are registered).</summary>
    public static DatabaseProvider ProviderOf(IConfiguration configuration) =>
        configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>()?.Provider ?? DatabaseProvider.Sqlite;

    /// <summary>A relative SQLite file is placed under the content root, not the working directory.</summary>
    public static string ResolveConnectionString(string? configured, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? DefaultConnectionString : configured);
        if (IsFile(csb) && !Path.IsPathRooted(csb.DataSource))
        {
            csb.DataSource = Path.Combine(contentRoot, csb.DataSource);
        }

        return csb.ToString();
    }

    /// <summary>The default key-ring key file: the SQLite file's path plus <c>.keyring-key</c>; null for an in-memory database.</summary>
    public static string? KeyRingKeyFileBeside(string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        return IsFile(csb) ? csb.DataSource + ".keyring-key" : null;
    }

    private static bool IsFile(SqliteConnectionStringBuilder csb) =>
        csb.Mode != SqliteOpenMode.Memory && csb.DataSource != ":memory:" && csb.DataSource.Length > 0;

    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
        app.Services.GetRequiredService<DatabaseStatus>().MarkInitialized();
    }
}

/// <summary>Whether this process has brought the database to the current schema (migrations, roles, first admin) yet.</summary>
public sealed class DatabaseStatus
{
    private volatile bool initialized;

    public bool Initialized => initialized;

    internal void MarkInitialized() => initialized = true;
}
