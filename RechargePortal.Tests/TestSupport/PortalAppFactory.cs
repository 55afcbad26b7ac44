using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Data;
using RechargePortal.Features.Users;
using RechargePortal.Security;

namespace RechargePortal.Tests.TestSupport;

/// <summary>
/// The real app on a fresh SQLite file of its own, with a known admin password, the Hangfire
/// server off (tests call jobs directly) and sessions re-checked on every request.
/// </summary>
public class PortalAppFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "Admin-Password-1234";
    public const string UserPassword = "Reseller-Pass-5678";

    private readonly string databasePath;
    private readonly IReadOnlyDictionary<string, string?> overrides;
    private readonly bool deleteDatabase;

    public PortalAppFactory()
        : this(null, new Dictionary<string, string?>())
    {
    }

    /// <summary>A host on a given database file (kept on dispose) with some settings changed.</summary>
    internal PortalAppFactory(string? databasePath, IReadOnlyDictionary<string, string?> overrides)
    {
        deleteDatabase = databasePath is null;
        this.databasePath = databasePath ?? NewDatabasePath();
        this.overrides = overrides;
    }

    public string DatabasePath => databasePath;

    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), $"rp-test-{Guid.NewGuid():N}.db");

    public static void DeleteDatabase(string path)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }

    private Dictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:Portal"] = $"Data Source={databasePath}",
        ["Seed:AdminEmail"] = AdminEmail,
        ["Seed:AdminPassword"] = AdminPassword,
        ["Jobs:ServerEnabled"] = "false",
        ["Security:SessionRevalidationSeconds"] = "0",
        ["Security:MaxFailedLogins"] = "5",
    }.Concat(overrides).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development the framework only serves static web assets (blazor.web.js, MudBlazor)
        // from a published folder; the tests run from the build output.
        builder.UseStaticWebAssets();
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public HttpClient CreateBrowserlikeClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task<Actor> AdminActorAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var admin = await users.FindByEmailAsync(AdminEmail) ?? throw new InvalidOperationException("No seeded admin.");
        return new Actor(admin.Id, AdminEmail, admin.SecurityStamp);
    }

    /// <summary>Creates an account the way an admin does, through <see cref="UserAdminService"/>.</summary>
    public async Task<string> CreateUserAsync(string role, string? email = null)
    {
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@test.local";
        var result = await Services.GetRequiredService<UserAdminService>().CreateAsync(await AdminActorAsync(), new NewUserForm
        {
            Email = email,
            FullName = $"Test {role}",
            Role = role,
            Password = UserPassword,
        });
        Assert.True(result.Succeeded, result.Message);
        return email;
    }

    public async Task<PortalUser> FindUserAsync(string email)
    {
        await using var db = await DbAsync();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Email == email);
    }

    public Task<PortalDbContext> DbAsync() =>
        Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    /// <summary>Signs in through the real static login form (antiforgery token and all).</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("/Account/Login");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), "The login page has no antiforgery token.");
        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

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
