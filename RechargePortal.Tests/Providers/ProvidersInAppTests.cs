using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Offers;
using RechargePortal.Jobs;
using RechargePortal.Providers;
using RechargePortal.Providers.CallLog;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Providers;

/// <summary>The providers inside the real app: configuration, call log, secrets, jobs, pause switch.</summary>
public sealed class ProvidersInAppTests
{
    private const string EcarePass = "Ecare-Pass-9f8e7d6c";
    private const string FlexiKey = "FlexiKey-a1b2c3d4e5f6";

    private static Dictionary<string, string?> PointedAt(FakeUpstream upstream) => new()
    {
        ["Providers:Ecare:Url"] = upstream.BaseUrl + AdapterTestBase.EcarePath,
        ["Providers:Ecare:AccessId"] = "portal",
        ["Providers:Ecare:AccessPass"] = EcarePass,
        ["Providers:Ecare:TimeoutSeconds"] = "0.5",
        ["Providers:Ecare:QueryRetries"] = "0",
        ["Providers:Flexi:BaseUrl"] = upstream.BaseUrl,
        ["Providers:Flexi:User"] = "portal",
        ["Providers:Flexi:Key"] = FlexiKey,
        ["Providers:Flexi:TimeoutSeconds"] = "0.5",
        ["Providers:Flexi:QueryRetries"] = "0",
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:LogLevel:System.Net.Http"] = "Trace",
    };

    [Fact]
    public async Task No_secret_reaches_the_call_log_or_the_application_log_even_when_the_vendor_echoes_it()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var logs = new CapturingLoggerProvider();
        await using var app = new PortalAppFactory(null, PointedAt(upstream))
            .WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        var providers = app.Services.GetRequiredService<ProviderRegistry>();
        var ecare = providers.Get("Ecare");
        var flexi = providers.Get("Flexi");
        var request = new RechargeRequest(MobileOperator.Grameenphone, NumberType.Prepaid, "01712345671", 2000, "RP-SECRET-1");

        // A vendor that echoes what it was sent, in an error page and in a 500.
        upstream.Answer(async context =>
        {
            var form = context.Request.HasFormContentType ? string.Join("&", (await context.Request.ReadFormAsync()).Select(f => $"{f.Key}={f.Value}")) : "";
            await FakeUpstream.Body($"<html>Bad request {context.Request.QueryString} {form}</html>", 500)(context);
        });
        await ecare.SubmitAsync(request);
        await ecare.QueryStatusAsync(request.Reference);
        await flexi.SubmitAsync(request with { Reference = "RP-SECRET-2" });
        await flexi.QueryStatusAsync("RP-SECRET-2");
        upstream.AnswerBody($$"""{"STATUS":"INVALID","MESSAGE":"Login Failed, Invalid Credential {{EcarePass}} {{FlexiKey}}"}""");
        await app.Services.GetRequiredService<ProviderAdminService>().RefreshBalanceAsync("Ecare");
        await app.Services.GetRequiredService<OfferPackService>().RefreshAsync("Ecare");
        await app.Services.GetRequiredService<ProviderAdminService>().RefreshBalanceAsync("Flexi");
        upstream.Hang();
        await ecare.SubmitAsync(request with { Reference = "RP-SECRET-3" });
        upstream.CloseMidReply();
        await flexi.QueryBalanceAsync();

        await using var db = await app.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<RechargePortal.Data.PortalDbContext>>().CreateDbContextAsync();
        var calls = await db.Set<UpstreamCall>().AsNoTracking().ToListAsync();
        Assert.Equal(9, calls.Count);
        Assert.Contains(calls, c => c.Reply is not null && c.Reply.Contains("access_pass=***"));
        foreach (var call in calls)
        {
            foreach (var text in new[] { call.Request, call.Reply ?? "", call.Outcome })
            {
                Assert.DoesNotContain(EcarePass, text);
                Assert.DoesNotContain(FlexiKey, text);
            }
        }

        var lines = logs.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("Ecare Submit attempt 1"));
        Assert.DoesNotContain(lines, l => l.Contains(EcarePass) || l.Contains(FlexiKey));
        Assert.DoesNotContain(lines, l => l.Contains(Uri.EscapeDataString(EcarePass)));
    }

    [Fact]
    public async Task The_jobs_run_twice_or_again_after_a_restart_change_nothing()
    {
        var path = PortalAppFactory.NewDatabasePath();
        try
        {
            await using (var first = new PortalAppFactory(path, new Dictionary<string, string?>()))
            {
                await RunBothJobsAsync(first);
                var afterOne = await SnapshotAsync(first);
                await RunBothJobsAsync(first);
                Assert.Equal(afterOne, await SnapshotAsync(first));
                Assert.Contains("history=2", afterOne);
                Assert.Contains("packs=8", afterOne);
            }

            await using var restarted = new PortalAppFactory(path, new Dictionary<string, string?>());
            var before = await SnapshotAsync(restarted);
            await RunBothJobsAsync(restarted);
            Assert.Equal(before, await SnapshotAsync(restarted));
        }
        finally
        {
            PortalAppFactory.DeleteDatabase(path);
        }
    }

    [Fact]
    public async Task The_sandbox_balances_and_offer_packs_land_in_the_database()
    {
        await using var app = new PortalAppFactory();
        await RunBothJobsAsync(app);

        var overview = await app.Services.GetRequiredService<ProviderAdminService>().ListAsync();
        Assert.All(overview, p => Assert.Equal(50_000_00, p.LastBalancePoisha));
        Assert.All(overview, p => Assert.True(p.IsSandbox));
        var packs = await app.Services.GetRequiredService<OfferPackService>().ActiveAsync(new OfferFilter());
        Assert.Equal(7, packs.Count);
        Assert.Equal(11600, Assert.Single(packs, p => p.Operator == MobileOperator.Robi).PricePoisha);
        Assert.Single(await app.Services.GetRequiredService<OfferPackService>().ActiveAsync(new OfferFilter { Type = OfferType.Minutes, Operator = MobileOperator.Banglalink }));
        Assert.Equal(3, (await app.Services.GetRequiredService<OfferPackService>().ActiveAsync(new OfferFilter { Search = "gb", MaxPricePoisha = 25000 })).Count);
    }

    [Fact]
    public async Task Packs_that_disappear_are_deactivated_and_come_back_with_their_new_commission()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var app = new PortalAppFactory(null, PointedAt(upstream));
        var offers = app.Services.GetRequiredService<OfferPackService>();
        const string robi = """{"_operator":"RB","_number_type":"1","_offer_type":"MN","_minute_pack":"100 Min","_internet_pack":"-","_sms_pack":"-","_callrate_pack":"-","_validity":"30 Days","_amount":"116","_commission_amount":"2.00","_status":"A","_offer_details":""}""";
        const string gp = """{"_operator":"GP","_number_type":"1","_offer_type":"IN","_minute_pack":"-","_internet_pack":"5 GB","_sms_pack":"-","_callrate_pack":"-","_validity":"7 Days","_amount":"198","_commission_amount":"4.00","_status":"A","_offer_details":""}""";

        upstream.AnswerBody($$"""{"STATUS":"OK","GP":[{{gp}}],"RB":[{{robi}}],"MESSAGE":"ok"}""");
        Assert.Equal("2 new, 0 changed, 0 withdrawn.", (await offers.RefreshAsync("Ecare")).Message);

        upstream.AnswerBody($$"""{"STATUS":"OK","GP":[{{gp}}],"RB":[],"MESSAGE":"ok"}""");
        Assert.Equal("0 new, 0 changed, 1 withdrawn.", (await offers.RefreshAsync("Ecare")).Message);
        Assert.DoesNotContain(await offers.ActiveAsync(new OfferFilter()), p => p.Operator == MobileOperator.Robi);

        upstream.AnswerBody("<html>down</html>");
        Assert.False((await offers.RefreshAsync("Ecare")).Succeeded);
        Assert.Single(await offers.ActiveAsync(new OfferFilter()));

        // An OK reply listing nothing at all is a glitch, not every pack withdrawn: the warning-bearing packs stay.
        upstream.AnswerBody("""{"STATUS":"OK","GP":[],"RB":[],"MESSAGE":"ok"}""");
        Assert.False((await offers.RefreshAsync("Ecare")).Succeeded);
        Assert.Single(await offers.ActiveAsync(new OfferFilter()));

        upstream.AnswerBody($$"""{"STATUS":"OK","GP":[{{gp}}],"RB":[{{robi.Replace("2.00", "3.25")}}],"MESSAGE":"ok"}""");
        Assert.Equal("0 new, 1 changed, 0 withdrawn.", (await offers.RefreshAsync("Ecare")).Message);
        Assert.Equal(325, Assert.Single(await offers.ActiveAsync(new OfferFilter { Operator = MobileOperator.Robi })).CommissionPoisha);
    }

    [Fact]
    public async Task A_paused_provider_is_skipped_by_the_scheduled_jobs_and_pausing_is_audited()
    {
        await using var app = new PortalAppFactory();
        var admin = app.Services.GetRequiredService<ProviderAdminService>();
        Assert.True((await admin.SetPausedAsync(await app.AdminActorAsync(), "Flexi", paused: true)).Succeeded);

        await app.Services.GetRequiredService<RefreshProviderBalancesJob>().RunAsync(CancellationToken.None);

        var overview = await admin.ListAsync();
        Assert.Null(Assert.Single(overview, p => p.Name == "Flexi").LastBalancePoisha);
        Assert.True(Assert.Single(overview, p => p.Name == "Flexi").Paused);
        Assert.NotNull(Assert.Single(overview, p => p.Name == "Ecare").LastBalancePoisha);
        await using var db = await app.DbAsync();
        Assert.Single(await db.Set<AuditEntry>().Where(a => a.Action == ProviderAdminService.PausedAction && a.TargetId == "Flexi").ToListAsync());
    }

    [Fact]
    public async Task Only_an_active_admin_can_pause_a_provider()
    {
        await using var app = new PortalAppFactory();
        var reseller = await app.FindUserAsync(await app.CreateUserAsync(Roles.Reseller));
        var admin = app.Services.GetRequiredService<ProviderAdminService>();

        var paused = await admin.SetPausedAsync(new Actor(reseller.Id, reseller.Email!, reseller.SecurityStamp), "Ecare", paused: true);

        Assert.False(paused.Succeeded);
        Assert.False(Assert.Single(await admin.ListAsync(), p => p.Name == "Ecare").Paused);
    }

    [Fact]
    public async Task The_jobs_are_on_their_configured_schedules()
    {
        await using var app = new PortalAppFactory(null, new Dictionary<string, string?> { ["Jobs:OfferPacksCron"] = "15 * * * *" });
        _ = app.Services;

        using var connection = app.Services.GetRequiredService<JobStorage>().GetConnection();
        var jobs = connection.GetRecurringJobs();
        Assert.Contains(jobs, j => j.Id == RefreshProviderBalancesJob.RecurringId && j.Cron == "*/5 * * * *");
        Assert.Contains(jobs, j => j.Id == RefreshOfferPacksJob.RecurringId && j.Cron == "15 * * * *");
    }

    [Fact]
    public async Task In_Production_the_sandbox_refuses_to_start_unless_allowed()
    {
        await using var refused = new PortalAppFactory().WithWebHostBuilder(b => b.UseEnvironment("Production"));
        var error = Record.Exception(() => refused.Services);
        Assert.NotNull(error);
        Assert.Contains("AllowSandbox", error.ToString());

        await using var allowed = new PortalAppFactory(null, new Dictionary<string, string?> { ["Providers:AllowSandbox"] = "true" })
            .WithWebHostBuilder(b => b.UseEnvironment("Production"));
        Assert.True(allowed.Services.GetRequiredService<ProviderRegistry>().AnySandbox);
    }

    [Fact]
    public async Task A_provider_without_credentials_is_refused_at_start()
    {
        await using var app = new PortalAppFactory(null, new Dictionary<string, string?>
        {
            ["Providers:Ecare2:Kind"] = "Ecare",
            ["Providers:Ecare2:Url"] = "http://127.0.0.1:9/recharge_api_thirdparty.php",
        });

        var error = Record.Exception(() => app.Services);

        Assert.NotNull(error);
        Assert.Contains("Providers:Ecare2:AccessPass is required", error.ToString());
    }

    private static async Task RunBothJobsAsync(WebApplicationFactory<Program> app)
    {
        await app.Services.GetRequiredService<RefreshProviderBalancesJob>().RunAsync(CancellationToken.None);
        await app.Services.GetRequiredService<RefreshOfferPacksJob>().RunAsync(CancellationToken.None);
    }

    /// <summary>Everything the jobs write, except "last checked" times.</summary>
    private static async Task<string> SnapshotAsync(PortalAppFactory app)
    {
        await using var db = await app.DbAsync();
        var packs = await db.Set<OfferPack>().AsNoTracking().OrderBy(p => p.Id)
            .Select(p => $"{p.Id}:{p.Provider}:{p.Operator}:{p.PricePoisha}:{p.CommissionPoisha}:{p.IsActive}:{p.UpdatedAtUtc:O}").ToListAsync();
        var history = await db.Set<ProviderBalanceSnapshot>().AsNoTracking().OrderBy(s => s.Id).Select(s => $"{s.Id}:{s.Provider}:{s.BalancePoisha}").ToListAsync();
        var balances = await db.Set<ProviderState>().AsNoTracking().OrderBy(s => s.Name).Select(s => $"{s.Name}:{s.LastBalancePoisha}").ToListAsync();
        return $"packs={packs.Count} history={history.Count}\n{string.Join("\n", packs)}\n{string.Join("\n", history)}\n{string.Join("\n", balances)}";
    }
}
