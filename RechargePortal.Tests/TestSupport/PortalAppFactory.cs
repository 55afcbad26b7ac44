using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Data;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Users;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;

namespace RechargePortal.Tests.TestSupport;

/// <summary>
/// The real app on a fresh SQLite file of its own (or, with <c>PORTAL_TEST_POSTGRES</c> set, a fresh PostgreSQL
/// database named after that file), with a known admin password, the Hangfire server off (tests call jobs
/// directly) and sessions re-checked on every request.
/// </summary>
public class PortalAppFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "Admin-Password-1234";
    public const string UserPassword = "Reseller-Pass-5678";

    private readonly string databasePath;
    private readonly IReadOnlyDictionary<string, string?> overrides;
    private readonly bool deleteDatabase;
    private readonly TimeProvider? time;
    private readonly Action<IServiceCollection>? configureServices;

    public PortalAppFactory()
        : this(null, new Dictionary<string, string?>())
    {
    }

    /// <summary>
    /// A host on a given database file (kept on dispose) with some settings changed, and optionally
    /// test services put in place of the app's (applied last, after <paramref name="time"/>).
    /// </summary>
    internal PortalAppFactory(
        string? databasePath, IReadOnlyDictionary<string, string?> overrides, TimeProvider? time = null, Action<IServiceCollection>? configureServices = null)
    {
        this.time = time;
        this.configureServices = configureServices;
        deleteDatabase = databasePath is null;
        this.databasePath = databasePath ?? NewDatabasePath();
        this.overrides = overrides;
        ClientOptions.BaseAddress = BaseAddress;
    }

    /// <summary>
    /// The in-memory server's address as a browser would reach the portal: over https, since outside Development
    /// every cookie is Secure (a client keeps such cookies only for https addresses).
    /// </summary>
    public static readonly Uri BaseAddress = new("https://localhost");

    public string DatabasePath => databasePath;

    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), $"rp-test-{Guid.NewGuid():N}.db");

    /// <summary>The PostgreSQL server the suite runs against instead of SQLite (<c>PORTAL_TEST_POSTGRES</c>, a connection string); null: SQLite.</summary>
    public static string? PostgresServer => Environment.GetEnvironmentVariable("PORTAL_TEST_POSTGRES") is { Length: > 0 } server ? server : null;

    public static bool OnPostgres => PostgresServer is not null;

    /// <summary>Why a PostgreSQL-only test does not run here, or null when it does (<c>Skip.If(NeedsPostgres is not null, NeedsPostgres)</c>).</summary>
    public static string? NeedsPostgres => OnPostgres ? null : "Needs PostgreSQL: set PORTAL_TEST_POSTGRES to a server's connection string (.ci/postgres.sh start DIR prints one).";

    /// <summary>The PostgreSQL database that stands for a test's database file: one per file, so a restart on "the same file" finds its data.</summary>
    public static string PostgresConnectionFor(string path) =>
        new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer) { Database = Path.GetFileNameWithoutExtension(path).Replace('-', '_') }.ToString();

    public static void DeleteDatabase(string path)
    {
        if (OnPostgres)
        {
            var target = new Npgsql.NpgsqlConnectionStringBuilder(PostgresConnectionFor(path));
            Npgsql.NpgsqlConnection.ClearAllPools();
            using var connection = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer) { Pooling = false }.ToString());
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = $"DROP DATABASE IF EXISTS \"{target.Database}\" WITH (FORCE)";
            drop.ExecuteNonQuery();
            File.Delete(path + ".keyring-key");
            return;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm", ".keyring-key" })
        {
            File.Delete(path + suffix);
        }
    }

    private Dictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = OnPostgres ? "PostgreSql" : "Sqlite",
        ["ConnectionStrings:Portal"] = OnPostgres ? PostgresConnectionFor(databasePath) : $"Data Source={databasePath}",
        // On PostgreSQL the key-ring key file is not beside a database file: one per test database, as on SQLite.
        ["Security:KeyRingKeyFile"] = OnPostgres ? databasePath + ".keyring-key" : null,
        ["Seed:AdminEmail"] = AdminEmail,
        ["Seed:AdminPassword"] = AdminPassword,
        ["Jobs:ServerEnabled"] = "false",
        ["Security:SessionRevalidationSeconds"] = "0",
        ["Security:MaxFailedLogins"] = "5",
        // The suite signs in as the seeded admin with a password only; TwoFactorTests turn the requirement on.
        ["Security:RequireAdminTwoFactor"] = "false",
        // Tests sign in many times from one (absent) address; the rate-limit tests set their own small limits.
        ["RateLimits:SignInPerIpPerMinute"] = "100000",
        ["RateLimits:SignInPerAccountPerMinute"] = "100000",
    }.Concat(overrides).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development the framework only serves static web assets (blazor.web.js, MudBlazor)
        // from a published folder; the tests run from the build output.
        builder.UseStaticWebAssets();
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IStartupFilter, TestClientAddress>();
            if (time is not null)
            {
                services.AddSingleton(time);
            }
        });

        // Applied last, so a test's own services (a transport, interceptors) replace the app's.
        if (configureServices is not null)
        {
            builder.ConfigureTestServices(configureServices);
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>
    /// Serves the real app on Kestrel over HTTPS (127.0.0.1, a free port, <see cref="TestCertificate"/>); call
    /// before the server starts. <see cref="KestrelAddress"/> is its address afterwards.
    /// </summary>
    public void UseKestrelOverHttps() =>
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(TestCertificate.Localhost)));

    /// <summary>The address Kestrel listens on (https://127.0.0.1:port), once the server has started.</summary>
    public Uri KestrelAddress => new(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());

    public HttpClient CreateBrowserlikeClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = BaseAddress, AllowAutoRedirect = false, HandleCookies = true });

    public async Task<Actor> AdminActorAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var admin = await users.FindByEmailAsync(AdminEmail) ?? throw new InvalidOperationException("No seeded admin.");
        // Confirms with the admin's password wherever an action asks for a step-up (the seeded admin has no authenticator).
        return new Actor(admin.Id, AdminEmail, admin.SecurityStamp) { StepUpProof = AdminPassword };
    }

    /// <summary>The actor of an account as its session carries it (its current security stamp).</summary>
    public async Task<Actor> ActorAsync(string email)
    {
        var user = await FindUserAsync(email);
        return new Actor(user.Id, email, user.SecurityStamp);
    }

    /// <summary>A new account in <paramref name="role"/>, as its actor.</summary>
    public async Task<Actor> NewActorAsync(string role) => await ActorAsync(await CreateUserAsync(role));

    /// <summary>
    /// Creates an account the way an admin does, through <see cref="UserAdminService"/>, and stands for its owner having
    /// replaced the temporary password since (<paramref name="passwordChanged"/>), so tests sign in straight to the portal.
    /// </summary>
    public async Task<string> CreateUserAsync(string role, string? email = null, bool passwordChanged = true)
    {
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@test.local";
        var result = await Services.GetRequiredService<UserAdminService>().CreateAsync(await AdminActorAsync(), new NewUserForm
        {
            Email = email,
            FullName = $"Test {role}",
            Role = role,
            Password = UserPassword,
        });
        Assert.True(result.Succeeded, result.Problem);
        if (passwordChanged)
        {
            await using var db = await DbAsync();
            await db.Users.Where(u => u.Email == email).ExecuteUpdateAsync(u => u.SetProperty(x => x.MustChangePassword, false));
        }

        return email;
    }

    /// <summary>A new reseller (with the wallet every reseller gets) holding <paramref name="balance"/>.</summary>
    public async Task<(string UserId, long WalletId)> CreateFundedResellerAsync(Money balance)
    {
        var user = await FindUserAsync(await CreateUserAsync(Roles.Reseller));
        await using var db = await DbAsync();
        var walletId = await db.Wallets.Where(w => w.UserId == user.Id).Select(w => w.Id).SingleAsync();
        if (balance.IsPositive)
        {
            var credit = await Services.GetRequiredService<WalletService>()
                .CreditAsync(await AdminActorAsync(), walletId, balance, "TEST-DEPOSIT", "opening deposit", Guid.NewGuid().ToString());
            Assert.True(credit.Succeeded, credit.Problem);
        }

        return (user.Id, walletId);
    }

    /// <summary>
    /// A recharge row of the reseller as placed, with no money moved: wallet tests hold, refund and
    /// pay commission against it (ledger entries must name a recharge that exists).
    /// </summary>
    public async Task<long> RechargeRowAsync(string userId)
    {
        await using var db = await DbAsync();
        var walletId = await db.Wallets.Where(w => w.UserId == userId).Select(w => w.Id).SingleAsync();
        var now = Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var recharge = Recharge.Create(RechargeWording.NewReference(now), Guid.NewGuid().ToString("N"), userId, walletId,
            new RechargeOrder("01712345678", MobileOperator.Grameenphone, NumberType.Prepaid, Money.FromTaka(100)), Money.Zero, null, now);
        db.Add(recharge);
        await db.SaveChangesAsync();
        return recharge.Id;
    }

    /// <summary>The ledger's own invariants for one wallet, as an auditor would check them.</summary>
    public async Task AssertLedgerConsistentAsync(long walletId)
    {
        await using var db = await DbAsync();
        var balance = await db.Wallets.Where(w => w.Id == walletId).Select(w => w.BalancePoisha).SingleAsync();
        var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.WalletId == walletId).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(balance, entries.Sum(e => e.AmountPoisha));
        var running = 0L;
        foreach (var entry in entries)
        {
            running += entry.AmountPoisha;
            Assert.Equal(running, entry.BalanceAfterPoisha);
            Assert.True(entry.BalanceAfterPoisha >= 0);
        }

        foreach (var recharge in entries.Where(e => e.RechargeId is not null).GroupBy(e => e.RechargeId))
        {
            if (!recharge.Any(e => e.Kind == LedgerKind.RechargeHold))
            {
                // An ancestor's wallet: its margin on a recharge placed below it and an admin's correction of it, each at most once.
                Assert.All(recharge, e => Assert.Contains(e.Kind, new[] { LedgerKind.Commission, LedgerKind.Adjustment }));
                Assert.True(recharge.Count(e => e.Kind == LedgerKind.Commission) <= 1);
                Assert.True(recharge.Count(e => e.Kind == LedgerKind.Adjustment) <= 1);
                continue;
            }

            Assert.Single(recharge, e => e.Kind == LedgerKind.RechargeHold);
            Assert.True(recharge.Count(e => e.Kind == LedgerKind.RechargeRefund) <= 1);
            Assert.True(recharge.Count(e => e.Kind == LedgerKind.Commission) <= 1);
            Assert.False(recharge.Any(e => e.Kind == LedgerKind.RechargeRefund) && recharge.Any(e => e.Kind == LedgerKind.Commission));
        }
    }

    public async Task<PortalUser> FindUserAsync(string email)
    {
        await using var db = await DbAsync();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Email == email);
    }

    public Task<PortalDbContext> DbAsync() =>
        Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    /// <summary>
    /// Signs in through the real static login form (antiforgery token and all), opened at
    /// <paramref name="loginPath"/> (a ReturnUrl in its query) and posted where the form says, as a browser does.
    /// </summary>
    public static Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, string loginPath = "/Account/Login") =>
        AccountForms.PostAsync(client, loginPath, "login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });

    public async Task<HttpClient> SignedInClientAsync(string email, string password)
    {
        var client = CreateBrowserlikeClient();
        var response = await PostLoginAsync(client, email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("Account/", response.Headers.Location?.OriginalString ?? "");
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && deleteDatabase)
        {
            DeleteDatabase(databasePath);
        }
    }
}
