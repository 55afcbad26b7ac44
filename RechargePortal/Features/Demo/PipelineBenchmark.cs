using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;
using RechargePortal.Features.Api;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using static RechargePortal.Features.Demo.Bench;

namespace RechargePortal.Features.Demo;

/// <param name="Rate">Placements per second all clients together start at most (open loop); null: as fast as the answers come.</param>
/// <param name="Instances">Portal instances serving the clients: this one and the rest as child processes (PostgreSQL only).</param>
public sealed record PipelineBenchmarkOptions(int Clients, int Recharges, double? Rate, TimeSpan PollEvery, int Instances = 1);

/// <summary>
/// <c>bench-pipeline</c>: the real app served on loopback (Kestrel, its SQLite file, Hangfire) and <see cref="BenchUpstream"/>
/// as its ECARE vendor. Clients, each a reseller with an API key, place recharges through <c>POST /api/v1/recharges</c>
/// and poll <c>GET /api/v1/recharges/{id}</c> until each is final. Then the database's own ceiling for comparison: a
/// tight loop of the wallet's hold transaction (<see cref="WalletService.HoldAsync(string, long, Money, string, CancellationToken)"/>).
/// </summary>
public sealed class PipelineBenchmark(IServiceProvider services, IDbContextFactory<PortalDbContext> dbs, WalletService wallets, ApiKeyService keys)
{
    private static readonly Money Amount = Money.FromTaka(50);

    public async Task<PipelineResult> RunAsync(WebApplication app, BenchUpstream upstream, PipelineBenchmarkOptions options, TextWriter output, CancellationToken ct)
    {
        // Enough for the warm-up, the run and the hold ceiling's holds (which stay held until the sweeper refunds them),
        // whatever earlier runs on the same database left in these resellers' wallets.
        var ceilingHolds = Math.Clamp(options.Recharges, 200, 2_000);
        var warmUp = Math.Min(options.Clients * 2, 50);
        var resellers = await ResellersAsync(services, options.Clients, new Money(Amount.Poisha * (options.Recharges + ceilingHolds + warmUp)) + Money.FromTaka(10_000), output, ct);
        var clients = new List<HttpClient>();
        await app.StartAsync(ct);
        await using var others = await ChildInstances.StartAsync(app, options.Instances - 1, output, ct);
        var urls = new[] { app.Urls.First() }.Concat(others.Urls).ToList();
        foreach (var (_, actor) in resellers)
        {
            var baseUrl = urls[clients.Count % urls.Count];
            var key = await keys.CreateAsync(actor, new NewApiKeyForm { Name = "Benchmark" }, ct);
            var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 4, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
            {
                BaseAddress = new Uri(baseUrl),
                Timeout = TimeSpan.FromSeconds(120),
            };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Key ?? throw new InvalidOperationException(key.Result.Message));
            clients.Add(client);
        }

        output.WriteLine(string.Create(C,
            $"Portal {string.Join(", ", urls)}, database {DemoCommands.DatabaseName(services)}, ECARE fake {upstream.Url}: {upstream.Latency.TotalMilliseconds:N0} ms per call, final {upstream.StatusDelay.TotalMilliseconds:N0} ms after it arrives."));
        output.WriteLine(string.Create(C,
            $"{options.Clients} clients, {options.Recharges:N0} recharges of {Amount}{(options.Rate is { } r ? $", started at {r:N0}/s" : ", each client placing as fast as it is answered")}, polling each every {options.PollEvery.TotalSeconds:N0} s. Machine: {Machine()}."));

        // Warm-up: every path once (JIT, EF's compiled queries, connections), not counted.
        await RunClientsAsync(clients, upstream, warmUp, null, options.PollEvery, 90_000_000, ct);

        using var meter = new DbMeter();
        var before = meter.Take();
        var run = await RunClientsAsync(clients, upstream, options.Recharges, options.Rate, options.PollEvery, 0, ct);
        var db = meter.Take().Since(before);
        var ceiling = await HoldCeilingAsync(resellers[0].Reseller, ceilingHolds, ct);

        bool onPostgres;
        await using (var probe = await dbs.CreateDbContextAsync(ct))
        {
            onPostgres = probe.Database.IsNpgsql();
        }

        var placed = run.Placed.Count;
        var placements = run.Placed.Select(p => p.Latency).Order().ToList();
        var added = run.Placed.Where(p => p.Added is not null).Select(p => p.Added!.Value).Order().ToList();
        var final = run.Placed.Count(p => p.Status is ApiWords.Successful or ApiWords.Failed);
        var succeeded = run.Placed.Count(p => p.Status == ApiWords.Successful);
        var placingSeconds = run.LastPlaced.TotalSeconds;
        var completionSeconds = run.LastFinal.TotalSeconds;
        var result = new PipelineResult(
            placed, final, succeeded, run.Refused, placed / placingSeconds, final / completionSeconds,
            Percentile(placements, 50), Percentile(placements, 95), Percentile(placements, 99),
            Percentile(added, 50), Percentile(added, 99), db, ceiling);

        output.WriteLine();
        Table(output,
        [
            ("Recharges placed (202)", placed.ToString("N0", C), run.Refused > 0 ? $"{run.Refused} refused" : ""),
            ("Final (successful / failed)", $"{succeeded:N0} / {final - succeeded:N0}", final < placed ? $"the fake fails every tenth; {placed - final:N0} still in flight when polling gave up" : "the fake fails every tenth"),
            ("Placements/s", result.PlacementsPerSecond.ToString("N1", C), string.Create(C, $"{placed:N0} in {placingSeconds:N1} s")),
            ("Completions/s (placed -> final)", result.CompletionsPerSecond.ToString("N1", C), string.Create(C, $"until the last was final, {completionSeconds:N1} s after the first placement")),
            ("Placement latency p50/p95/p99", string.Create(C, $"{result.P50:N1} / {result.P95:N1} / {result.P99:N1} ms"), "POST /api/v1/recharges round trip on loopback"),
            ("Added latency p50/p99", string.Create(C, $"{result.AddedP50:N1} / {result.AddedP99:N1} ms"), "POST sent -> the vendor has the order (the vendor's own latency not included)"),
            ("Database time per recharge", string.Create(C, $"{db.DatabaseTime.TotalMilliseconds / Math.Max(1, placed):N2} ms"), string.Create(C, $"{db.Commands / (double)Math.Max(1, placed):N0} commands; {db.TransactionTime.TotalMilliseconds / Math.Max(1, placed):N2} ms of it in BEGIN/COMMIT; placing, sending, checking, settling and the clients' polls{(urls.Count > 1 ? " (this instance's only: the others are not measured)" : "")}")),
            onPostgres
                ? ("SQLite lock waits", "n/a", "PostgreSQL: writers queue on the transaction-scoped advisory write lock instead")
                : ("SQLite lock waits", db.LockWaits.ToString("N0", C), "statements that met another writer's lock and waited (SqliteBusyWait)"),
            ("Hold transactions/s (database ceiling)", ceiling.ToString("N0", C),
                onPostgres ? "one writer, WalletService.HoldAsync in its own transaction (advisory write lock, synchronous commit)" : "one writer, WalletService.HoldAsync in its own BEGIN IMMEDIATE transaction"),
            ("Completions as a share of the ceiling", (result.CompletionsPerSecond / ceiling).ToString("P1", C), "target >= 50 %"),
        ]);
        output.WriteLine();
        output.WriteLine(string.Create(C,
            $"Summary: {urls.Count} instance{(urls.Count > 1 ? "s" : "")} on {(onPostgres ? "PostgreSQL" : "SQLite")}, {placed:N0} recharges, {result.PlacementsPerSecond:N0} placements/s, {result.CompletionsPerSecond:N0} completions/s = {result.CompletionsPerSecond / ceiling:P0} of {ceiling:N0} holds/s; placement p99 {result.P99:N0} ms, added p99 {result.AddedP99:N0} ms; {db.LockWaits:N0} lock waits; load {LoadAverage()}."));
        foreach (var client in clients)
        {
            client.Dispose();
        }

        return result;
    }

    private sealed record Placement(string Number, string Id, double Latency, double? Added, string Status);

    private sealed record ClientsRun(IReadOnlyList<Placement> Placed, int Refused, TimeSpan LastPlaced, TimeSpan LastFinal);

    /// <summary>Places <paramref name="count"/> recharges over the clients and polls each until final (or a deadline).</summary>
    private static async Task<ClientsRun> RunClientsAsync(
        IReadOnlyList<HttpClient> clients, BenchUpstream upstream, int count, double? rate, TimeSpan pollEvery, int numberOffset, CancellationToken ct)
    {
        var next = -1;
        var refused = 0;
        var placed = new ConcurrentBag<Placement>();
        var start = Stopwatch.GetTimestamp();
        long lastPlaced = start;
        long lastFinal = start;
        var sent = new ConcurrentDictionary<string, long>();

        await Task.WhenAll(clients.Select(client => Task.Run(async () =>
        {
            var mine = new List<(string Number, string Id, double Latency, long NextPoll)>();
            var done = new List<Placement>();
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= count)
                {
                    break;
                }

                if (rate is { } perSecond && TimeSpan.FromSeconds(i / perSecond) - Stopwatch.GetElapsedTime(start) is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait, ct);
                }

                // A number of its own per recharge: the fake's log tells when the vendor had each one.
                var number = string.Create(C, $"017{numberOffset + i:D8}");
                var at = Stopwatch.GetTimestamp();
                sent[number] = at;
                using var response = await client.PostAsJsonAsync("/api/v1/recharges",
                    new { reference = "bench-" + number, number, amount = 50 }, ct);
                var latency = Stopwatch.GetElapsedTime(at).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref refused);
                    if (refused <= 3)
                    {
                        Console.Error.WriteLine($"Refused ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(ct)}");
                    }

                    continue;
                }

                var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
                mine.Add((number, body.GetProperty("id").GetString()!, latency, Stopwatch.GetTimestamp() + Ticks(pollEvery)));
                Interlocked.Exchange(ref lastPlaced, Stopwatch.GetTimestamp());
                await PollDueAsync(waitForAll: false);
            }

            await PollDueAsync(waitForAll: true);
            foreach (var p in done)
            {
                placed.Add(p);
            }

            async Task PollDueAsync(bool waitForAll)
            {
                var deadline = Stopwatch.GetTimestamp() + Ticks(TimeSpan.FromMinutes(3));
                while (mine.Count > 0)
                {
                    var now = Stopwatch.GetTimestamp();
                    if (now > deadline)
                    {
                        done.AddRange(mine.Select(m => new Placement(m.Number, m.Id, m.Latency, Added(m.Number), ApiWords.Processing)));
                        mine.Clear();
                        return;
                    }

                    for (var k = mine.Count - 1; k >= 0; k--)
                    {
                        if (mine[k].NextPoll > now)
                        {
                            continue;
                        }

                        var view = await client.GetFromJsonAsync<JsonElement>($"/api/v1/recharges/{mine[k].Id}", ct);
                        var status = view.GetProperty("status").GetString()!;
                        if (status is ApiWords.Processing)
                        {
                            mine[k] = mine[k] with { NextPoll = Stopwatch.GetTimestamp() + Ticks(pollEvery) };
                            continue;
                        }

                        done.Add(new Placement(mine[k].Number, mine[k].Id, mine[k].Latency, Added(mine[k].Number), status));
                        InterlockedMax(ref lastFinal, Stopwatch.GetTimestamp());
                        mine.RemoveAt(k);
                    }

                    if (!waitForAll)
                    {
                        return;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
                }
            }
        }, ct)));

        double? Added(string number) =>
            upstream.ReceivedAt(number) is { } received && sent.TryGetValue(number, out var at)
                ? Stopwatch.GetElapsedTime(at, received).TotalMilliseconds
                : null;

        return new ClientsRun(placed.ToList(), refused, Stopwatch.GetElapsedTime(start, lastPlaced), Stopwatch.GetElapsedTime(start, lastFinal));
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static void InterlockedMax(ref long target, long value)
    {
        for (var seen = Interlocked.Read(ref target); value > seen; seen = Interlocked.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Holds per second one writer gets through: recharges are created first (not timed), then each hold is
    /// <see cref="WalletService.HoldAsync(string, long, Money, string, CancellationToken)"/>: its own BEGIN IMMEDIATE
    /// transaction with the same statements as a placement's hold. The recharges stay unsent: the sweeper fails and
    /// refunds them a minute later (or at the next start).
    /// </summary>
    private async Task<double> HoldCeilingAsync(DemoReseller reseller, int count, CancellationToken ct)
    {
        var ids = new List<long>();
        var now = DateTime.UtcNow;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var recharges = Enumerable.Range(0, count).Select(i => Recharge.Create(
                RechargeWording.NewReference(now), Guid.NewGuid().ToString("N"), reseller.UserId, reseller.WalletId,
                new RechargeOrder(string.Create(C, $"018{i:D8}"), Providers.MobileOperator.Robi, Providers.NumberType.Prepaid, Amount),
                Money.Zero, null, now)).ToList();
            db.AddRange(recharges);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            ids.AddRange(recharges.Select(r => r.Id));
        }

        // One untimed hold: the first call compiles EF's queries.
        await wallets.HoldAsync(reseller.UserId, ids[0], Amount, "Benchmark hold", ct);
        var watch = Stopwatch.StartNew();
        foreach (var id in ids.Skip(1))
        {
            var hold = await wallets.HoldAsync(reseller.UserId, id, Amount, "Benchmark hold", ct);
            if (hold.Outcome != WalletOutcome.Applied)
            {
                throw new InvalidOperationException($"The benchmark's hold was refused: {hold.Outcome} {hold.Error}");
            }
        }

        return (ids.Count - 1) / watch.Elapsed.TotalSeconds;
    }
}

public sealed record PipelineResult(
    int Placed, int Final, int Succeeded, int Refused, double PlacementsPerSecond, double CompletionsPerSecond,
    double P50, double P95, double P99, double AddedP50, double AddedP99, DbMeter.Snapshot Database, double HoldsPerSecond);
