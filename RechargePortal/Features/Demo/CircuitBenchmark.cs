using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using RechargePortal.Data;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using static RechargePortal.Features.Demo.Bench;

namespace RechargePortal.Features.Demo;

/// <param name="Missed">Pages the burst's update had not reached a minute later.</param>
public sealed record CircuitResult(int Circuits, long ManagedPerCircuit, long WorkingSetPerCircuit, TimeSpan UpdateReachedAll, TimeSpan UpdateMedian, int Missed);

/// <summary>
/// <c>bench-circuits</c>: N real Blazor Server circuits, pages in headless Chromium (Playwright) signed in as resellers,
/// half on <c>/recharge</c>, half on <c>/recharges</c>. The server is this process: its managed heap (after a full
/// collection) and working set are read with the browser's pages open on <c>about:blank</c> (and one warm page of each
/// kind), then with each on its portal page and its circuit running; the difference per circuit is what one more idle
/// open page costs the server. Then a
/// burst of completions (each reseller's recharges in flight checked at once, answered final) and the time until every
/// open page shows it (the wallet balance after it).
/// </summary>
public sealed class CircuitBenchmark(IServiceProvider services, IDbContextFactory<PortalDbContext> dbs, WalletService wallets, RechargeProcessor processor)
{
    private const int InFlightPerReseller = 5;
    private static readonly Money Amount = Money.FromTaka(50);

    public async Task<CircuitResult> RunAsync(WebApplication app, BenchUpstream upstream, int circuits, TextWriter output, CancellationToken ct)
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"No Chromium at {chromium} (install Debian's chromium or set CHROMIUM_PATH).");
        }

        var resellerCount = Math.Clamp(circuits / 10, 1, 10);
        // Resellers with no sub-resellers: a parent's balance also moves with its children's commission, which its pages do not wait for.
        var seeded = await ResellersAsync(services, Math.Max(10, resellerCount * 3), Money.FromTaka(100_000), output, ct);
        List<string?> parents;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            parents = await db.Users.Where(u => u.ParentId != null).Select(u => u.ParentId).Distinct().ToListAsync(ct);
        }

        var resellers = seeded.Where(r => !parents.Contains(r.Reseller.UserId)).Take(resellerCount).ToList();
        var inFlight = new List<long>();
        foreach (var (reseller, _) in resellers)
        {
            inFlight.AddRange(await InFlightAsync(reseller, upstream, ct));
        }

        await app.StartAsync(ct);
        var baseUrl = app.Urls.First();
        output.WriteLine(string.Create(C, $"Portal {baseUrl}; {circuits} pages over {resellerCount} resellers, each with {InFlightPerReseller} recharges in flight. Chromium {chromium}. Machine: {Machine()}."));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });

        // One browser context (one sign-in) per reseller; its pages share the cookie, each page its own circuit.
        var contexts = new List<IBrowserContext>();
        foreach (var (reseller, _) in resellers)
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
            var login = await context.NewPageAsync();
            await login.GotoAsync("/Account/Login");
            await login.GetByLabel("Email").FillAsync(reseller.Email);
            await login.GetByLabel("Password").FillAsync(DemoSeeder.ResellerPassword);
            await login.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
            await login.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = 60_000 });
            await login.CloseAsync();
            contexts.Add(context);
        }

        // Warm-up, open through both measurements: the first page of each kind pays for code, caches and type metadata once.
        foreach (var path in new[] { "/recharge", "/recharges" })
        {
            var warm = await contexts[0].NewPageAsync();
            await warm.GotoAsync(path);
            await warm.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = 120_000 });
        }

        var pages = new List<(IPage Page, int Reseller, string Path)>();
        for (var i = 0; i < circuits; i++)
        {
            var page = await contexts[i % contexts.Count].NewPageAsync();
            pages.Add((page, i % contexts.Count, i % 2 == 0 ? "/recharge" : "/recharges"));
        }

        var (managedBefore, workingSetBefore) = await SettledMemoryAsync();
        var opening = Stopwatch.StartNew();
        foreach (var batch in pages.Chunk(8))
        {
            await Task.WhenAll(batch.Select(async p =>
            {
                await p.Page.GotoAsync(p.Path);
                await p.Page.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = 120_000 });
            }));
        }

        var opened = opening.Elapsed;
        var (managedAfter, workingSetAfter) = await SettledMemoryAsync();
        var managedPer = (managedAfter - managedBefore) / circuits;
        var workingSetPer = (workingSetAfter - workingSetBefore) / circuits;

        // The burst: every recharge in flight checked at once; the vendor answers each final.
        var burst = Stopwatch.StartNew();
        await Task.WhenAll(inFlight.Select(id => processor.CheckAsync(id, dueOnly: false, ct)));
        var settled = burst.Elapsed;
        var expected = new List<string>();
        foreach (var (reseller, _) in resellers)
        {
            expected.Add((await wallets.FindByUserForSystemAsync(reseller.UserId, ct))!.Balance.ToString());
        }

        // Both pages fetch the balance, then (history) reload their table, then render: the final balance shown means the update arrived.
        var reached = await Task.WhenAll(pages.Select(async p =>
        {
            try
            {
                await p.Page.WaitForFunctionAsync(
                    "balance => document.querySelector('[data-testid=wallet-balance]')?.textContent?.trim() === balance",
                    expected[p.Reseller], new() { PollingInterval = 20, Timeout = 60_000 });
            }
            catch (TimeoutException)
            {
                var shown = await p.Page.Locator("[data-testid=wallet-balance]").First.TextContentAsync();
                output.WriteLine($"  {p.Path} (reseller {p.Reseller + 1}) still shows {shown?.Trim()}, not {expected[p.Reseller]}, a minute after the burst.");
                return (TimeSpan?)null;
            }

            return burst.Elapsed;
        }));
        var missed = reached.Count(t => t is null);
        var sorted = reached.Where(t => t is not null).Select(t => t!.Value.TotalMilliseconds).Order().ToList();
        var result = sorted.Count == 0
            ? new CircuitResult(circuits, managedPer, workingSetPer, TimeSpan.Zero, TimeSpan.Zero, missed)
            : new CircuitResult(circuits, managedPer, workingSetPer, TimeSpan.FromMilliseconds(sorted[^1]), TimeSpan.FromMilliseconds(Percentile(sorted, 50)), missed);

        output.WriteLine();
        Table(output,
        [
            ("Circuits open", circuits.ToString("N0", C), string.Create(C, $"opened in {opened.TotalSeconds:N1} s, 8 at a time")),
            ("Managed heap per idle circuit", string.Create(C, $"{managedPer / 1024.0:N0} KB"), $"{Mb(managedBefore)} -> {Mb(managedAfter)} after a full collection; target <= 300 KB"),
            ("Working set per idle circuit", string.Create(C, $"{workingSetPer / 1024.0:N0} KB"), $"{Mb(workingSetBefore)} -> {Mb(workingSetAfter)} (the process: heap, code, native)"),
            ("Burst: recharges settled", inFlight.Count.ToString("N0", C), string.Create(C, $"in {settled.TotalMilliseconds:N0} ms ({upstream.Latency.TotalMilliseconds:N0} ms vendor latency)")),
            ("Update on every page (p50 / last)", string.Create(C, $"{result.UpdateMedian.TotalMilliseconds:N0} / {result.UpdateReachedAll.TotalMilliseconds:N0} ms"),
                missed == 0 ? "from the burst's start until each page shows the balance after it" : $"MISSED: {missed} of {circuits} pages not updated a minute later"),
        ]);
        output.WriteLine();
        output.WriteLine(string.Create(C,
            $"Summary: {circuits} circuits, {managedPer / 1024.0:N0} KB managed and {workingSetPer / 1024.0:N0} KB working set per idle circuit; a burst of {inFlight.Count} completions reached {circuits - missed} of {circuits} pages, the last after {result.UpdateReachedAll.TotalMilliseconds:N0} ms; load {LoadAverage()}."));

        foreach (var context in contexts)
        {
            await context.CloseAsync();
        }

        if (missed > 0)
        {
            Environment.ExitCode = 1;
        }

        return result;
    }

    /// <summary>After a full, compacting collection and a moment for the circuits to go quiet.</summary>
    private static async Task<(long Managed, long WorkingSet)> SettledMemoryAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }

    /// <summary>A reseller's recharges sent and accepted, their next check an hour away (only the burst asks).</summary>
    private async Task<List<long>> InFlightAsync(DemoReseller reseller, BenchUpstream upstream, CancellationToken ct)
    {
        var provider = services.GetRequiredService<ProviderRegistry>().All.First(p => p.Kind == ProviderKind.Ecare).Name;
        var ids = new List<long>();
        var references = new List<string>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = DateTime.UtcNow;
        for (var i = 0; i < InFlightPerReseller; i++)
        {
            var order = new RechargeOrder(string.Create(C, $"016{reseller.WalletId:D4}{i:D4}"), MobileOperator.Airtel, NumberType.Prepaid, Amount);
            var recharge = Recharge.Create(RechargeWording.NewReference(now), Guid.NewGuid().ToString("N"), reseller.UserId, reseller.WalletId, order,
                Money.FromTaka(1), null, now);
            db.Add(recharge);
            await db.SaveChangesAsync(ct);
            var hold = await wallets.HoldAsync(db, reseller.UserId, recharge.Id, Amount,
                RechargeWording.HoldMemo(order.Number, order.Operator, order.NumberType, recharge.Reference), ct);
            if (hold.Outcome != WalletOutcome.Applied)
            {
                throw new InvalidOperationException($"The benchmark's hold was refused: {hold.Outcome} {hold.Error}");
            }

            var attempt = recharge.BeginAttempt(provider, RechargeWording.UpstreamReference(now, recharge.Id, 1), now);
            recharge.MarkAccepted(attempt, "B" + attempt.UpstreamReference, now, now.AddHours(1), now.AddHours(2));
            await db.SaveChangesAsync(ct);
            ids.Add(recharge.Id);
            references.Add(attempt.UpstreamReference);
        }

        await tx.CommitAsync(ct);
        upstream.Know(references);
        return ids;
    }
}
