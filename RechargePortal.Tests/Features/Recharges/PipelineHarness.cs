using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;
using RechargePortal.Tests.Providers;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Recharges;

/// <summary>
/// The real app on a temp SQLite file with its two providers pointed at fakes on 127.0.0.1 — one
/// speaking ECARE, one Flexi — a fake clock, and a reseller holding ৳1,000 on a plan paying 2.5 %
/// on Grameenphone prepaid. Tests script the fakes per call and drive the jobs by hand.
/// </summary>
public sealed class PipelineHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    private PipelineHarness(FakeUpstream ecare, FakeUpstream flexi, FakeTimeProvider time, string databasePath)
    {
        Ecare = ecare;
        Flexi = flexi;
        Time = time;
        DatabasePath = databasePath;
    }

    public FakeUpstream Ecare { get; }
    public FakeUpstream Flexi { get; }
    public FakeTimeProvider Time { get; }
    public string DatabasePath { get; }
    public PortalAppFactory App { get; private set; } = null!;
    public Actor Reseller { get; private set; } = null!;
    public long WalletId { get; private set; }

    public RechargeService Recharges => App.Services.GetRequiredService<RechargeService>();
    public RechargeProcessor Processor => App.Services.GetRequiredService<RechargeProcessor>();

    /// <summary>ECARE answers by <c>service</c>: set the MRC and MRCSTATUS replies a test needs.</summary>
    public Func<HttpContext, Task> EcareSubmit { get; set; } = FakeUpstream.Body(EcareReceived);
    public Func<HttpContext, Task> EcareStatus { get; set; } = FakeUpstream.Body(EcarePending);
    public Func<HttpContext, Task> EcareOffers { get; set; } = FakeUpstream.Body("""{"STATUS":"INVALID","MESSAGE":"INVALID SERVICE"}""");
    public Func<HttpContext, Task> FlexiSubmit { get; set; } = FakeUpstream.Body("""{"success":true,"status":1,"trxid":"FX1001"}""");
    public Func<HttpContext, Task> FlexiStatus { get; set; } = FakeUpstream.Body("""{"posotion":1,"trxid":xyz,"lastbalance":"102", "status":"0"}""");

    public const string EcareReceived = """{"STATUS":"OK","RECHARGE_STATUS":"RECEIVED","OPERATOR":"7","NUMBER":"01712345671","AMOUNT":"100","TRXID":"E221126MRC1","MESSAGE":"Your Mobile Recharge Request Received."}""";
    public const string EcarePending = """{"STATUS":"OK","RECHARGE_STATUS":"PROCESSING","MESSAGE":"Processing"}""";
    public const string EcareSuccess = """{"STATUS":"OK","RECHARGE_STATUS":"SUCCESS","RECHARGE_TRXID":"R221126.0600.1","MESSAGE":"200: Recharge Tk100 SUCCESS."}""";
    public const string EcareFailed = """{"STATUS":"OK","RECHARGE_STATUS":"FAILED","RECHARGE_TRXID":"","MESSAGE":"Recharge failed at operator"}""";
    public const string EcareInvalidRef = """{"STATUS":"FAILED","RECHARGE_STATUS":"INVALIDREF","MESSAGE":"Sorry! Invalid Reference"}""";
    public const string EcareLowBalance = """{"STATUS":"FAILED","RECHARGE_STATUS":"LOWBALANCE","MESSAGE":"Insufficient Wallet Balance"}""";

    public static async Task<PipelineHarness> StartAsync(Dictionary<string, string?>? settings = null, string? databasePath = null)
    {
        var harness = new PipelineHarness(
            await FakeUpstream.StartAsync(), await FakeUpstream.StartAsync(), new FakeTimeProvider(Start),
            databasePath ?? PortalAppFactory.NewDatabasePath());
        harness.Ecare.Answer(context => context.Request.Query["service"].ToString() switch
        {
            "MRC" => harness.EcareSubmit(context),
            "MRCSTATUS" => harness.EcareStatus(context),
            "OFFERPACK" => harness.EcareOffers(context),
            _ => FakeUpstream.Body("""{"STATUS":"INVALID","MESSAGE":"INVALID SERVICE"}""")(context),
        });
        harness.Flexi.Answer(context => context.Request.Path.Value switch
        {
            "/sendapi/request" => harness.FlexiSubmit(context),
            "/sendapi/status" => harness.FlexiStatus(context),
            _ => FakeUpstream.Body("""{"success":true,"status":1,"balance":"5000"}""")(context),
        });
        harness.App = harness.NewApp(settings);
        var (userId, walletId) = await harness.App.CreateFundedResellerAsync(Money.FromTaka(1_000));
        var user = await (await harness.App.DbAsync()).Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        harness.Reseller = new Actor(user.Id, user.Email!, user.SecurityStamp);
        harness.WalletId = walletId;
        var commissions = harness.App.Services.GetRequiredService<CommissionService>();
        var plan = (await commissions.ListAsync()).Single(p => p.IsDefault);
        Assert.True((await commissions.SetRateAsync(await harness.App.AdminActorAsync(), plan.Id, MobileOperator.Grameenphone, NumberType.Prepaid, "2.5")).Succeeded);
        return harness;
    }

    /// <summary>Another app instance on the same database (a restart), sharing the fakes and the clock.</summary>
    public PortalAppFactory NewApp(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Providers:Ecare:Url"] = Ecare.BaseUrl + AdapterTestBase.EcarePath,
            ["Providers:Ecare:AccessId"] = "portal",
            ["Providers:Ecare:AccessPass"] = AdapterTestBase.EcarePass,
            // Long enough that a loaded two-core machine still delivers a request before the client gives up
            // (at 1 s a "cut connection" case sometimes never reached the fake and became a plain timeout).
            ["Providers:Ecare:TimeoutSeconds"] = "5",
            ["Providers:Ecare:QueryRetries"] = "0",
            ["Providers:Flexi:BaseUrl"] = Flexi.BaseUrl,
            ["Providers:Flexi:User"] = "portal",
            ["Providers:Flexi:Key"] = AdapterTestBase.FlexiKey,
            ["Providers:Flexi:TimeoutSeconds"] = "5",
            ["Providers:Flexi:QueryRetries"] = "0",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return new PortalAppFactory(DatabasePath, all, Time);
    }

    public async Task ReplaceAppAsync(PortalAppFactory next)
    {
        await App.DisposeAsync();
        App = next;
    }

    public static RechargeForm Form(string number = "01712345671", string amount = "100", NumberType type = NumberType.Prepaid, MobileOperator? op = null) =>
        new() { Number = number, Amount = amount, NumberType = type, Operator = op };

    /// <summary>Places and sends a recharge as the reseller; asserts it was placed.</summary>
    public async Task<long> PlaceAsync(RechargeForm? form = null)
    {
        var result = await Recharges.PlaceAndSendAsync(Reseller, form ?? Form(), Guid.NewGuid().ToString("N"), confirmDuplicate: true);
        Assert.True(result.Succeeded, result.Error ?? string.Join("; ", result.Errors.Values));
        return result.RechargeId!.Value;
    }

    public async Task<Recharge> LoadAsync(long id)
    {
        await using var db = await App.DbAsync();
        return await db.Set<Recharge>().AsNoTracking().Include(r => r.Attempts).SingleAsync(r => r.Id == id);
    }

    public async Task<Money> BalanceAsync() => await App.Services.GetRequiredService<WalletService>().BalanceOfAsync(await App.AdminActorAsync(), WalletId);

    public async Task<List<LedgerEntry>> EntriesOfAsync(long rechargeId)
    {
        await using var db = await App.DbAsync();
        return await db.LedgerEntries.AsNoTracking().Where(e => e.RechargeId == rechargeId).OrderBy(e => e.Id).ToListAsync();
    }

    /// <summary>Moves the clock and runs the sweeper, as the recurring job would.</summary>
    public async Task<SweepReport> AdvanceAndSweepAsync(TimeSpan by)
    {
        Time.Advance(by);
        return await Processor.SweepAsync();
    }

    /// <summary>Runs the sweeper every 30 s of fake time until <paramref name="sinceStart"/> after the harness's start.</summary>
    public async Task SweepUntilAsync(TimeSpan sinceStart)
    {
        while (Time.GetUtcNow() < Start + sinceStart)
        {
            await AdvanceAndSweepAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>The fake clock's start plus some seconds, as stored (UTC).</summary>
    public static DateTime At(int seconds) => Start.UtcDateTime.AddSeconds(seconds);

    public int SubmissionsSeenBy(FakeUpstream upstream) =>
        upstream.Requests.Count(r => r.Query.GetValueOrDefault("service") == "MRC" || r.Path == "/sendapi/request");

    public async Task AssertConsistentAsync() => await App.AssertLedgerConsistentAsync(WalletId);

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Ecare.DisposeAsync();
        await Flexi.DisposeAsync();
        PortalAppFactory.DeleteDatabase(DatabasePath);
    }
}
