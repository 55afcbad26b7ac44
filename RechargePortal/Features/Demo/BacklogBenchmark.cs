using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RechargePortal.Data;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;
using RechargePortal.Jobs;
using RechargePortal.Providers;
using static RechargePortal.Features.Demo.Bench;

namespace RechargePortal.Features.Demo;

public sealed record BacklogResult(int Recharges, int Final, TimeSpan Elapsed, long StatusQueries, double ChecksPerSecond, int AskedTwiceAtOnce, DbMeter.Snapshot Database);

/// <summary>
/// <c>bench-backlog</c>: the morning after a vendor's outage. N recharges are in flight (sent, accepted, their check due), as
/// the pipeline leaves them: each made with the real <see cref="Recharge"/> state machine and its hold through
/// <see cref="WalletService"/>. Then the app starts (its start-up sweep and scheduled checks, Hangfire as in production)
/// and the benchmark times until every one is final, while <see cref="BenchUpstream"/> answers each status query after
/// its latency and logs any reference asked while a question about it was still open.
/// </summary>
public sealed class BacklogBenchmark(
    IServiceProvider services, IDbContextFactory<PortalDbContext> dbs, WalletService wallets, IOptions<RechargeOptions> rechargeOptions, IOptions<JobsOptions> jobs)
{
    private const int Resellers = 10;
    private static readonly Money Amount = Money.FromTaka(50);

    public async Task<BacklogResult> RunAsync(WebApplication app, BenchUpstream upstream, int count, TextWriter output, CancellationToken ct)
    {
        var resellers = await ResellersAsync(services, Math.Min(Resellers, count), Money.FromTaka(50L * count + 10_000), output, ct);
        var seeding = Stopwatch.StartNew();
        var (references, firstId) = await SeedInFlightAsync(resellers.Select(r => r.Reseller).ToList(), count, ct);
        upstream.Know(references);
        output.WriteLine(string.Create(C, $"Seeded {count:N0} recharges in flight (Processing, check due now) in {seeding.Elapsed.TotalSeconds:N1} s."));
        output.WriteLine(string.Create(C,
            $"ECARE fake: {upstream.Latency.TotalMilliseconds:N0} ms per status query, final at once (every tenth failed: refunded). Recharge:MaxConcurrentChecks {rechargeOptions.Value.MaxConcurrentChecks}, Jobs:WorkerCount {jobs.Value.WorkerCount}. Machine: {Machine()}."));

        using var meter = new DbMeter();
        var before = meter.Take();
        var watch = Stopwatch.StartNew();
        // The start-up sweep (RechargeJobsScheduler) takes up whatever is due: as after a restart.
        await app.StartAsync(ct);
        var left = count;
        var lastReport = TimeSpan.Zero;
        var timeout = TimeSpan.FromMinutes(Math.Max(5, count / 1000.0));
        while (left > 0 && watch.Elapsed < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            left = await InFlightAsync(firstId, ct);
            if (watch.Elapsed - lastReport >= TimeSpan.FromSeconds(5))
            {
                lastReport = watch.Elapsed;
                output.WriteLine(string.Create(C, $"  {watch.Elapsed.TotalSeconds,5:N0} s: {count - left:N0} final, {upstream.StatusQueries:N0} status queries, {upstream.BusiestStatus} at once at most"));
            }
        }

        var elapsed = watch.Elapsed;
        var db = meter.Take().Since(before);
        var twice = upstream.AskedTwiceAtOnce.Distinct().Count();
        var result = new BacklogResult(count, count - left, elapsed, upstream.StatusQueries, upstream.StatusQueries / elapsed.TotalSeconds, twice, db);
        var (succeeded, failed, review) = await OutcomesAsync(firstId, ct);

        output.WriteLine();
        Table(output,
        [
            ("Recharges in flight at start", count.ToString("N0", C), ""),
            ("Final", result.Final.ToString("N0", C), string.Create(C, $"{succeeded:N0} successful, {failed:N0} failed (refunded), {review:N0} in review")),
            ("Time until all final", string.Create(C, $"{elapsed.TotalSeconds:N1} s"), left > 0 ? $"STOPPED with {left:N0} in flight" : "target <= 30 s for 10,000"),
            ("Checks/s", result.ChecksPerSecond.ToString("N0", C), string.Create(C, $"{upstream.StatusQueries:N0} status queries; at most {upstream.BusiestStatus} at once")),
            ("Asked twice at once", twice.ToString("N0", C), twice == 0 ? "none: no reference was asked while a question about it was open" : "MISSED: " + string.Join(", ", upstream.AskedTwiceAtOnce.Distinct().Take(5))),
            ("Database time per check", string.Create(C, $"{db.DatabaseTime.TotalMilliseconds / Math.Max(1, upstream.StatusQueries):N2} ms"), string.Create(C, $"{db.Commands / (double)Math.Max(1, upstream.StatusQueries):N0} commands; {db.TransactionTime.TotalMilliseconds / Math.Max(1, upstream.StatusQueries):N2} ms in BEGIN/COMMIT")),
            ("SQLite lock waits", db.LockWaits.ToString("N0", C), "statements that met another writer's lock and waited (SqliteBusyWait)"),
        ]);
        output.WriteLine();
        output.WriteLine(string.Create(C,
            $"Summary: {result.Final:N0} of {count:N0} in flight final in {elapsed.TotalSeconds:N1} s, {result.ChecksPerSecond:N0} checks/s, {twice} asked twice at once, {db.LockWaits:N0} lock waits; load {LoadAverage()}."));
        if (left > 0 || twice > 0)
        {
            Environment.ExitCode = 1;
        }

        return result;
    }

    /// <summary>Each recharge placed (its hold), sent and accepted through the state machine, its first check due now; 500 to a transaction.</summary>
    private async Task<(List<string> References, long FirstId)> SeedInFlightAsync(IReadOnlyList<DemoReseller> resellers, int count, CancellationToken ct)
    {
        var references = new List<string>(count);
        var firstId = long.MaxValue;
        var provider = services.GetRequiredService<ProviderRegistry>().All.First(p => p.Kind == ProviderKind.Ecare).Name;
        var options = rechargeOptions.Value;
        for (var done = 0; done < count;)
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var now = DateTime.UtcNow;
            for (var end = Math.Min(count, done + 500); done < end; done++)
            {
                var reseller = resellers[done % resellers.Count];
                var order = new RechargeOrder(string.Create(C, $"019{done:D8}"), MobileOperator.Banglalink, NumberType.Prepaid, Amount);
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
                recharge.MarkAccepted(attempt, "B" + attempt.UpstreamReference, now, now, now.AddMinutes(options.DeadlineMinutes));
                await db.SaveChangesAsync(ct);
                references.Add(attempt.UpstreamReference);
                firstId = Math.Min(firstId, recharge.Id);
            }

            await tx.CommitAsync(ct);
        }

        return (references, firstId);
    }

    /// <summary>Of the seeded ones (the demo seeder's own resellers come with a recharge or two of their own).</summary>
    private async Task<int> InFlightAsync(long firstId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Set<Recharge>().CountAsync(r => r.Id >= firstId && r.Status == RechargeStatus.Processing, ct);
    }

    private async Task<(int Succeeded, int Failed, int Review)> OutcomesAsync(long firstId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var counts = await db.Set<Recharge>().Where(r => r.Id >= firstId)
            .GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        int Of(RechargeStatus s) => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0;
        return (Of(RechargeStatus.Succeeded), Of(RechargeStatus.Failed), Of(RechargeStatus.NeedsReview));
    }
}
