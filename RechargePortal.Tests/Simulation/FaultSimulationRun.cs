using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Providers.Routing;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Simulation;

/// <summary>An admin's decision that the portal applied, and what the vendor said at that moment.</summary>
internal sealed record AdminDecision(bool Stale, bool Successful, string Basis, Reported ReportedThen, Truth TruthThen);

/// <summary>
/// One seeded run of the real pipeline against two faulty vendors: resellers place recharges in
/// waves while the clock moves and sweeps, checks and admin decisions race each other; hosts crash
/// and restart; then a drain settles everything and the invariants are checked.
/// </summary>
internal sealed class FaultSimulationRun
{
    private static readonly (MobileOperator Operator, string[] Prefixes)[] Operators =
    [
        (MobileOperator.Grameenphone, ["017", "013"]),
        (MobileOperator.Banglalink, ["019", "014"]),
        (MobileOperator.Robi, ["018"]),
        (MobileOperator.Airtel, ["016"]),
        (MobileOperator.Teletalk, ["015"]),
    ];

    private static readonly int[] Amounts = [20, 30, 50, 50, 100, 100, 100, 150, 200, 300, 500, 1000, 2000];

    private readonly SimulationOptions options;
    private readonly SimWorld world;
    /// <summary>The schedule: set-up, orders, wave sizes, kills, the clock, which step runs. Never touched by what a race decided.</summary>
    private readonly Random rng;
    /// <summary>What races pick from what the database holds at that moment (recharges in flight, in review) and what admins do.</summary>
    private readonly Random races;
    /// <summary>When a host dies at a statement.</summary>
    private readonly Random deaths;
    private readonly List<Actor> resellers = [];
    private readonly ConcurrentBag<Task> background = [];
    private readonly ConcurrentDictionary<long, AdminDecision> decisions = new();
    private readonly ConcurrentQueue<string> findings = new();
    private readonly Dictionary<string, int> refusals = [];
    private readonly Stopwatch phaseClock = Stopwatch.StartNew();
    private readonly List<string> phases = [];
    private readonly Dictionary<string, double> spent = [];
    private int placedCount;
    private int kills;
    private int statementDeaths;

    private FaultSimulationRun(SimulationOptions options)
    {
        this.options = options;
        world = new SimWorld(options);
        rng = new Random(options.Seed);
        // Not HashCode.Combine: it is randomised per process, and a replay must draw the same numbers.
        races = new Random(unchecked((options.Seed * 7919) + 1));
        deaths = new Random(unchecked((options.Seed * 104729) + 2));
    }

    public static async Task<SimulationResult> RunAsync(SimulationOptions options)
    {
        var clock = Stopwatch.StartNew();
        var run = new FaultSimulationRun(options);
        SimulationReport report;
        try
        {
            await run.world.StartAsync();
            run.Phase("start");
            await run.SetUpAsync();
            run.Phase("set-up");
            run.ArmStatementDeath();
            await run.WavesAsync();
            run.Phase("waves");
            await run.DrainAsync();
            run.Phase("drain");
            report = await InvariantChecker.CheckAsync(run.world, run.decisions, run.findings);
            run.Phase("check");
        }
        catch (Exception e)
        {
            report = SimulationReport.Crashed(e);
        }

        var keepDatabase = report.Failed && Environment.GetEnvironmentVariable("SIMULATION_KEEP_DB") == "1";
        try
        {
            await run.world.DisposeAsync();
        }
        catch (Exception e)
        {
            run.world.Errors.Enqueue($"disposing the hosts: {e.GetType().Name}: {e.Message}");
        }

        if (!keepDatabase)
        {
            PortalAppFactory.DeleteDatabase(run.world.DatabasePath);
        }

        return new SimulationResult(options, clock.Elapsed, report, run.Summary(report, clock.Elapsed, keepDatabase));
    }

    private SimHost Host => world.Host;

    private void Phase(string name)
    {
        phases.Add($"{name} {phaseClock.Elapsed.TotalSeconds:0.0}s");
        phaseClock.Restart();
    }

    // ---- Set-up: a commission plan, routes that send each operator to both vendors, funded resellers ----

    private async Task SetUpAsync()
    {
        var services = Host.Services;
        var admin = Host.Admin;
        var commissions = services.GetRequiredService<CommissionService>();
        var plan = (await commissions.ListAsync()).Single(p => p.IsDefault);
        foreach (var (op, type, rate) in new[]
                 {
                     (MobileOperator.Grameenphone, NumberType.Prepaid, "2.5"), (MobileOperator.Robi, NumberType.Prepaid, "2"),
                     (MobileOperator.Banglalink, NumberType.Prepaid, "1.5"), (MobileOperator.Airtel, NumberType.Prepaid, "2.75"),
                     (MobileOperator.Grameenphone, NumberType.Postpaid, "1"),
                 })
        {
            Require((await commissions.SetRateAsync(admin, plan.Id, op, type, rate)).Succeeded, $"commission rate {op} {type}");
        }

        var routing = services.GetRequiredService<RoutingService>();
        foreach (var (op, _) in Operators)
        {
            string[] route = rng.Next(2) == 0 ? ["Ecare", "Flexi"] : ["Flexi", "Ecare"];
            Require((await routing.SetRouteAsync(admin, op, route)).Succeeded, $"route of {op}");
        }

        var count = rng.Next(options.Resellers.Min, options.Resellers.Max + 1);
        for (var i = 0; i < count; i++)
        {
            // Some run short and are refused part-way: a hold that cannot be made must change nothing.
            var funds = rng.NextDouble() < 0.2 ? rng.Next(3_000, 10_000) : rng.Next(100_000, 300_000);
            var (userId, _) = await Host.App.CreateFundedResellerAsync(Money.FromTaka(funds));
            await using var db = await Host.App.DbAsync();
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
            resellers.Add(new Actor(user.Id, user.Email!, user.SecurityStamp));
        }
    }

    // ---- Waves: place, maybe die, move the clock, race sweeps, checks and admins ----

    private async Task WavesAsync()
    {
        var expectedWaves = Math.Max(1, options.Recharges / 17);
        while (placedCount < options.Recharges)
        {
            var size = Math.Min(options.Recharges - placedCount, rng.Next(5, 31));
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < size; i++)
            {
                await EnsureAliveAsync();
                await PlaceAsync(placedCount++);
            }

            Spent("place", t0);
            t0 = Stopwatch.GetTimestamp();

            if (kills < options.MaxKills && rng.NextDouble() < (double)options.MaxKills / expectedWaves)
            {
                // The process dies with sends in flight: each stops at its next statement or request.
                kills++;
                await world.RestartAsync("killed mid-wave with sends in flight");
                ArmStatementDeath();
            }
            else if (rng.NextDouble() < 0.8)
            {
                await Task.WhenAny(Host.Processor.WhenDispatchedAsync(), Host.Life.Died);
            }

            Spent("kill/wait", t0);
            t0 = Stopwatch.GetTimestamp();
            world.Clock.Advance(TimeSpan.FromSeconds(rng.Next(5, 61)));
            await RandomStepAsync();
            Spent("step", t0);
        }

        phases.Add(string.Join(" ", spent.Select(kv => $"[{kv.Key} {kv.Value:0.0}s]")));
    }

    /// <summary>Adds the wall-clock time since <paramref name="since"/> to a part of the waves (printed with the phases).</summary>
    private void Spent(string what, long since) => spent[what] = spent.GetValueOrDefault(what) + Stopwatch.GetElapsedTime(since).TotalSeconds;

    /// <summary>One of: a sweep, sweeps at once, a sweep racing status checks, admins racing checks on the review queue.</summary>
    private async Task RandomStepAsync()
    {
        await EnsureAliveAsync();
        var step = rng.NextDouble();
        if (step < 0.35)
        {
            await SweepAsync(Host);
        }
        else if (step < 0.55)
        {
            await ConcurrentSweepsAsync();
        }
        else if (step < 0.8)
        {
            await SweepRacingChecksAsync();
        }
        else
        {
            await ReviewRaceAsync(stalenessAllowed: true);
        }
    }

    private async Task EnsureAliveAsync()
    {
        if (Host.Life.Dead)
        {
            await world.RestartAsync(Host.Life.Cause ?? "dead");
            ArmStatementDeath();
        }
    }

    /// <summary>A live host that will not die at a statement.</summary>
    private async Task CalmHostAsync()
    {
        await EnsureAliveAsync();
        Host.Life.Disarm();
    }

    /// <summary>Maybe schedules the current host's death at a random statement of its work to come.</summary>
    private void ArmStatementDeath()
    {
        if (statementDeaths < options.MaxStatementDeaths && deaths.NextDouble() < 0.5)
        {
            statementDeaths++;
            Host.Life.DieAfterStatements(deaths.Next(50, 4000));
        }
    }

    private async Task PlaceAsync(int index)
    {
        var host = Host;
        var reseller = resellers[rng.Next(resellers.Count)];
        var (op, prefixes) = Operators[rng.Next(Operators.Length)];
        var number = prefixes[rng.Next(prefixes.Length)] + rng.Next(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture);
        var type = rng.NextDouble() < 0.85 ? NumberType.Prepaid : NumberType.Postpaid;
        var amount = Amounts[rng.Next(Amounts.Length)];
        if (op == MobileOperator.Grameenphone && amount < 30)
        {
            amount = 30;
        }

        var form = new RechargeForm { Number = number, Amount = amount.ToString(CultureInfo.InvariantCulture), NumberType = type };
        var requestId = $"sim{options.Seed}-{index}";
        var twice = rng.NextDouble() < 0.03;
        var racingDispatch = rng.NextDouble() < 0.03;
        var results = await OnHostAsync(host, "place", async () => twice
            ? await Task.WhenAll(Place(), Place())
            : [await Place()]);
        if (results is null)
        {
            return;
        }

        var ids = results.Where(r => r.Succeeded).Select(r => r.RechargeId!.Value).Distinct().ToList();
        if (ids.Count > 1)
        {
            findings.Enqueue($"client request id {requestId} made {ids.Count} recharges: {string.Join(", ", ids)}");
        }

        foreach (var refused in results.Where(r => !r.Succeeded))
        {
            var why = refused.Error ?? string.Join("; ", refused.Errors.Values);
            var key = why.StartsWith("Your wallet holds only", StringComparison.Ordinal) ? "insufficient balance" : why;
            refusals[key] = refusals.GetValueOrDefault(key) + 1;
        }

        foreach (var id in ids)
        {
            world.Note(id, $"placed by host {host.Life.Generation}{(twice ? " (twice at once, one client request id)" : "")}");
            if (racingDispatch)
            {
                world.Note(id, "a second DispatchAsync races the background one");
                background.Add(OnHostAsync(host, "dispatch", async () =>
                {
                    await host.Processor.DispatchAsync(id);
                    return true;
                }));
            }
        }

        Task<PlaceResult> Place() => host.Recharges.PlaceAsync(reseller, form, requestId, confirmDuplicate: true);
    }

    private Task SweepAsync(SimHost host) => OnHostAsync(host, "sweep", async () => await host.Processor.SweepAsync());

    private async Task ConcurrentSweepsAsync()
    {
        var host = Host;
        await Task.WhenAll(Enumerable.Range(0, races.Next(2, 4)).Select(_ => SweepAsync(host)));
    }

    private async Task SweepRacingChecksAsync()
    {
        var host = Host;
        var inFlight = await IdsAsync(host, RechargeStatus.Processing, RechargeStatus.NeedsReview);
        var picked = Sample(inFlight, races.Next(1, 7));
        var tasks = new List<Task> { SweepAsync(host) };
        foreach (var id in picked)
        {
            tasks.Add(CheckAsync(host, id));
            if (races.NextDouble() < 0.2)
            {
                tasks.Add(CheckAsync(host, id));
            }
        }

        await Task.WhenAll(tasks);
    }

    private Task CheckAsync(SimHost host, long id) =>
        OnHostAsync(host, $"check {id}", async () => await host.Processor.CheckAsync(id, dueOnly: false));

    /// <summary>Admins settle recharges in review while status checks and a sweep run on the same ones.</summary>
    private async Task ReviewRaceAsync(bool stalenessAllowed)
    {
        var host = Host;
        var inReview = await IdsAsync(host, RechargeStatus.NeedsReview);
        if (inReview.Count == 0)
        {
            await SweepAsync(host);
            return;
        }

        var picked = await LoadAsync(host, Sample(inReview, races.Next(1, 5)));
        var tasks = new List<Task> { SweepAsync(host) };
        foreach (var r in picked)
        {
            var stale = stalenessAllowed && races.NextDouble() < options.StaleAdminRate;
            var staleness = TimeSpan.FromMinutes(races.Next(1, 41));
            var racingCheck = races.NextDouble() < 0.7;
            if (Decide(r, stale, staleness) is { } decision)
            {
                tasks.Add(ResolveAsync(host, r.Id, decision));
            }

            if (racingCheck)
            {
                tasks.Add(CheckAsync(host, r.Id));
            }
        }

        await Task.WhenAll(tasks);
    }

    /// <summary>
    /// What an admin decides: a careful one reads the vendor's truth now and acts only on a final
    /// one; a hasty one acts on what the vendor said a while ago (pending or not found counts as
    /// "not delivered"), which the portal must then protect the money against.
    /// </summary>
    private AdminDecision? Decide(Recharge r, bool stale, TimeSpan staleness)
    {
        var refs = r.Attempts.OrderBy(a => a.Sequence).Select(a => (Vendor: world.VendorNamed(a.Provider), a.UpstreamReference)).ToList();
        if (refs.Count == 0)
        {
            return null;
        }

        var (vendor, reference) = refs[^1];
        var reportedNow = vendor.ReportedAt(reference, world.Now);
        var truthNow = vendor.TruthNow(reference);
        if (stale)
        {
            var seen = vendor.ReportedAt(reference, world.Now - staleness);
            return new AdminDecision(true, seen == Reported.Success, $"hasty: the vendor said {seen} {staleness.TotalMinutes:0} min ago", reportedNow, truthNow);
        }

        var truths = refs.Select(x => x.Vendor.TruthNow(x.UpstreamReference)).ToList();
        if (truths.Contains(Truth.Delivered))
        {
            return new AdminDecision(false, true, "careful: the vendor's truth is delivered", reportedNow, truthNow);
        }

        return truths.Contains(Truth.Pending)
            ? null
            : new AdminDecision(false, false, "careful: the vendor's truth is not delivered", reportedNow, truthNow);
    }

    private Task ResolveAsync(SimHost host, long id, AdminDecision decision) =>
        OnHostAsync(host, $"resolve {id}", async () =>
        {
            var result = await PipelineSeams.ResolveAsync(host, id, decision.Successful, $"Simulated admin: {decision.Basis}.");
            world.Note(id, $"admin marks it {(decision.Successful ? "successful" : "failed")} ({decision.Basis}; vendor now says {decision.ReportedThen}, truth {decision.TruthThen}): {(result.Applied ? "applied" : $"refused: {result.Error}")}");
            if (result.Applied)
            {
                decisions[id] = decision;
            }

            return result;
        });

    // ---- Drain: dead hosts finish, the vendors settle, time runs past every deadline, admins clear the queue ----

    private async Task DrainAsync()
    {
        await EnsureAliveAsync();
        await Task.WhenAny(Host.Processor.WhenDispatchedAsync(), Host.Life.Died);

        // The vendors keep their pace (and their faults) while deadlines pass and admins work the queue.
        for (var minute = 0; minute < 15; minute++)
        {
            world.Clock.Advance(TimeSpan.FromMinutes(1));
            await RandomStepAsync();
        }

        // The orderly end: no more deaths; late replies reach the dead hosts; the vendors finish everything and stop lying and failing.
        await CalmHostAsync();
        await world.BuryDeadHostsAsync();
        foreach (var task in background)
        {
            await task;
        }

        await CalmHostAsync();
        await Task.WhenAny(Host.Processor.WhenDispatchedAsync(), Host.Life.Died);
        foreach (var vendor in world.Vendors)
        {
            vendor.Settle();
        }

        await CalmHostAsync();
        for (var minute = 0; minute < 90; minute++)
        {
            world.Clock.Advance(TimeSpan.FromMinutes(1));
            await SweepAsync(Host);
            var left = await IdsAsync(Host, RechargeStatus.Created, RechargeStatus.Submitting, RechargeStatus.Processing);
            if (left.Count == 0)
            {
                break;
            }
        }

        foreach (var r in await LoadAsync(Host, await IdsAsync(Host, RechargeStatus.NeedsReview)))
        {
            if (races.NextDouble() < 0.5)
            {
                await CheckAsync(Host, r.Id);
            }

            var now = (await LoadAsync(Host, [r.Id])).Single();
            if (now.Status == RechargeStatus.NeedsReview && Decide(now, stale: false, TimeSpan.Zero) is { } decision)
            {
                await ResolveAsync(Host, r.Id, decision);
            }
        }

        await OnHostAsync(Host, "late check", async () =>
        {
            await PipelineSeams.LateCheckAsync(Host, world.Clock);
            return true;
        });
    }

    // ---- Helpers ----

    /// <summary>Runs one operation on a host; a dead host's failure is its death, a live host's is a finding.</summary>
    private async Task<T?> OnHostAsync<T>(SimHost host, string what, Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception) when (host.Life.Dead)
        {
            return default;
        }
        catch (Exception e)
        {
            world.Errors.Enqueue($"{world.At} host {host.Life.Generation} {what} threw {e.GetType().Name}: {e.Message}");
            return default;
        }
    }

    private async Task<List<long>> IdsAsync(SimHost host, params RechargeStatus[] statuses) =>
        await OnHostAsync(host, "query", async () =>
        {
            await using var db = await host.App.DbAsync();
            return await db.Set<Recharge>().AsNoTracking().Where(r => statuses.Contains(r.Status)).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync();
        }) ?? [];

    private async Task<List<Recharge>> LoadAsync(SimHost host, IReadOnlyCollection<long> ids) =>
        await OnHostAsync(host, "query", async () =>
        {
            await using var db = await host.App.DbAsync();
            return await db.Set<Recharge>().AsNoTracking().Include(r => r.Attempts).Where(r => ids.Contains(r.Id)).OrderBy(r => r.Id).ToListAsync();
        }) ?? [];

    private List<long> Sample(IReadOnlyList<long> ids, int count) =>
        ids.Count <= count ? [.. ids] : Enumerable.Range(0, count).Select(_ => ids[races.Next(ids.Count)]).Distinct().ToList();

    private static void Require(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"Simulation set-up failed: {what}.");
        }
    }

    private string Summary(SimulationReport report, TimeSpan elapsed, bool keptDatabase)
    {
        var lines = new List<string>
        {
            $"FAULT SIMULATION seed={options.Seed} recharges={options.Recharges} resellers={resellers.Count} " +
            $"hosts={world.Generation} elapsed={elapsed.TotalSeconds:0.0}s ({string.Join(", ", phases)}) fake-time={world.At}: {(report.Failed ? "FAILED" : "passed")}",
        };
        lines.AddRange(world.Restarts.Select(r => $"  restart {r}"));
        lines.AddRange(refusals.Select(kv => $"  placements refused: {kv.Value} × {kv.Key}"));
        lines.AddRange(world.Vendors.Select(v =>
            $"  vendor {v.Name}: {v.SubmitArrivals.Count} references submitted, {v.Records.Count} recorded, " +
            $"{v.Records.Values.Count(r => r.FinallyDelivered)} delivered, {v.Records.Values.Count(r => r.Flip != Flip.None)} flipped" +
            (v.Kind == VendorKind.Flexi ? $", unknown ids answered {v.UnknownIdStyle}" : "")));
        lines.Add(report.Describe());
        if (keptDatabase)
        {
            lines.Add($"  database kept: {world.DatabasePath}");
        }

        var without = (options.Without.Count == 0 ? "" : $" SIMULATION_WITHOUT={string.Join(",", options.Without)}")
            + (options.MaxCrashes == SimulationOptions.DefaultDeaths ? "" : $" SIMULATION_DEATHS={options.MaxCrashes}");
        lines.Add($"  replay: SIMULATION_SEED={options.Seed} SIMULATION_RECHARGES={options.Recharges}{without} dotnet test --filter FullyQualifiedName~FaultSimulation.Random");
        return string.Join(Environment.NewLine, lines);
    }
}

internal sealed record SimulationResult(SimulationOptions Options, TimeSpan Elapsed, SimulationReport Report, string Text);
