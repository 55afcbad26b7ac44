using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Wallets;

namespace RechargePortal.Tests.Simulation;

/// <summary>Where a violation belongs: a bug now, or one that a change in progress is meant to prevent.</summary>
internal enum Bucket
{
    Bug,
    /// <summary>The vendor lied (a flip): allowed once the contradiction is on record — (a) and (b).</summary>
    AwaitingContradictions,
    /// <summary>An admin acted on stale information the provider contradicted at that moment — (c) refuses it.</summary>
    AwaitingReviewGuard,
}

internal sealed record Violation(string Invariant, Bucket Bucket, long? RechargeId, string What, string? Story = null);

/// <summary>What a run found, by bucket, with the stories of the recharges involved.</summary>
internal sealed class SimulationReport
{
    public List<Violation> Violations { get; } = [];

    public List<string> Errors { get; } = [];

    public Dictionary<RechargeStatus, int> Statuses { get; } = [];

    public Exception? Crash { get; private init; }

    public bool Failed => Crash is not null || Errors.Count > 0 || Violations.Any(v => v.Bucket == Bucket.Bug);

    public static SimulationReport Crashed(Exception e) => new() { Crash = e };

    public string Describe()
    {
        var text = new StringBuilder();
        if (Crash is not null)
        {
            text.AppendLine($"  THE SIMULATION ITSELF STOPPED: {Crash}");
        }

        text.AppendLine($"  final states: {string.Join(", ", Statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}");
        foreach (var bucket in Enum.GetValues<Bucket>())
        {
            var found = Violations.Where(v => v.Bucket == bucket).ToList();
            if (found.Count == 0)
            {
                continue;
            }

            text.AppendLine(bucket switch
            {
                Bucket.Bug => $"  VIOLATIONS ({found.Count}):",
                Bucket.AwaitingContradictions => $"  expected until contradictions are recorded — the vendor lied (a, b) ({found.Count}):",
                _ => $"  expected until the review queue asks the provider before marking failed (c) ({found.Count}):",
            });
            foreach (var group in found.GroupBy(v => v.Invariant).OrderBy(g => g.Key))
            {
                text.AppendLine($"    {group.Key}: {group.Count()}");
                foreach (var v in group.Take(bucket == Bucket.Bug ? 8 : 3))
                {
                    text.AppendLine($"      - {v.What}");
                    if (v.Story is not null)
                    {
                        text.AppendLine(string.Join(Environment.NewLine, v.Story.Split('\n').Select(l => "          " + l)));
                    }
                }
            }
        }

        if (Errors.Count > 0)
        {
            text.AppendLine($"  ERRORS in live hosts or the driver ({Errors.Count}):");
            foreach (var e in Errors.Take(15))
            {
                text.AppendLine($"    - {e}");
            }
        }

        return text.ToString().TrimEnd();
    }
}

/// <summary>Reads the database and the vendors' ledgers after a run and checks the seven invariants.</summary>
internal static class InvariantChecker
{
    public static async Task<SimulationReport> CheckAsync(SimWorld world, IReadOnlyDictionary<long, AdminDecision> decisions, IEnumerable<string> findings)
    {
        var report = new SimulationReport();
        report.Errors.AddRange(world.Errors);
        var host = world.Host;
        await using var db = await host.App.DbAsync();
        var recharges = await db.Set<Recharge>().AsNoTracking().Include(r => r.Attempts).OrderBy(r => r.Id).ToListAsync();
        var entries = await db.LedgerEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        var wallets = await db.Wallets.AsNoTracking().ToListAsync();
        foreach (var group in recharges.GroupBy(r => r.Status))
        {
            report.Statuses[group.Key] = group.Count();
        }

        var byId = recharges.ToDictionary(r => r.Id);
        var attempts = recharges.SelectMany(r => r.Attempts.Select(a => (Recharge: r, Attempt: a))).ToDictionary(x => x.Attempt.UpstreamReference);
        string Story(long id) => StoryOf(world, byId[id], entries, decisions);

        void Add(string invariant, long? id, string what, Bucket bucket = Bucket.Bug) =>
            report.Violations.Add(new Violation(invariant, bucket, id, what, id is { } i && byId.ContainsKey(i) ? Story(i) : null));

        foreach (var finding in findings)
        {
            Add("I0 placement", null, finding);
        }

        // Wire: the adapters must speak each vendor's format.
        foreach (var vendor in world.Vendors)
        {
            foreach (var error in vendor.ProtocolErrors.Distinct())
            {
                Add("I0 wire", null, error);
            }
        }

        // I1: no reference reached a submit endpoint twice; every one the vendors saw is an attempt of that provider.
        foreach (var vendor in world.Vendors)
        {
            foreach (var (reference, arrivals) in vendor.SubmitArrivals)
            {
                var known = attempts.TryGetValue(reference, out var owner);
                if (arrivals > 1)
                {
                    Add("I1 reference sent twice", known ? owner.Recharge.Id : null, $"{vendor.Name} got reference {reference} {arrivals} times");
                }

                if (!known)
                {
                    Add("I1 reference sent twice", null, $"{vendor.Name} got reference {reference}, which no attempt in the database has");
                }
                else if (!string.Equals(owner.Attempt.Provider, vendor.Name, StringComparison.OrdinalIgnoreCase))
                {
                    Add("I1 reference sent twice", owner.Recharge.Id, $"{vendor.Name} got reference {reference}, an attempt at {owner.Attempt.Provider}");
                }
            }
        }

        // I2: at most one delivered reference per recharge, across both vendors.
        var delivered = world.Vendors
            .SelectMany(v => v.Records.Values.Where(r => v.TruthNow(r.Reference) == Truth.Delivered).Select(r => (Vendor: v, Record: r)))
            .Where(x => attempts.ContainsKey(x.Record.Reference))
            .GroupBy(x => attempts[x.Record.Reference].Recharge.Id)
            .ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (id, refs) in delivered.Where(kv => kv.Value.Count > 1))
        {
            Add("I2 delivered twice", id, $"recharge {id} delivered {refs.Count} times: {string.Join(", ", refs.Select(x => $"{x.Vendor.Name} {x.Record.Reference}"))}");
        }

        foreach (var r in recharges)
        {
            var isDelivered = delivered.ContainsKey(r.Id);
            var records = r.Attempts
                .Select(a => world.VendorNamed(a.Provider).Records.GetValueOrDefault(a.UpstreamReference))
                .OfType<VendorRecord>().ToList();
            decisions.TryGetValue(r.Id, out var decision);

            // I3: every delivered recharge is kept.
            if (isDelivered && r.Status == RechargeStatus.Failed)
            {
                var (lied, hasty) = decision is { Successful: false }
                    ? (decision.ReportedThen == Reported.Failed && records.Any(x => x.Flip == Flip.FalseFailure),
                        decision.Stale && decision.ReportedThen is Reported.Pending or Reported.Success)
                    : (ToldBefore(r, Reported.Failed), false);
                await Classify("I3 delivered but refunded", r, lied, hasty,
                    $"recharge {r.Id} {r.Reference} was delivered but is Failed (refunded): {r.StatusReason}");
            }

            // I4: every undelivered recharge is refunded or in review.
            if (!isDelivered && r.Status == RechargeStatus.Succeeded)
            {
                var lied = decision is { Successful: true }
                    ? records.Any(x => x.Flip == Flip.Reversal)
                    : ToldBefore(r, Reported.Success);
                await Classify("I4 not delivered but kept", r, lied, hasty: false,
                    $"recharge {r.Id} {r.Reference} was not delivered but is Succeeded (kept, commission paid)");
            }

            // I6: the recharge's own money.
            var own = entries.Where(e => e.RechargeId == r.Id).ToList();
            var holds = own.Where(e => e.Kind == LedgerKind.RechargeHold).ToList();
            var refunds = own.Where(e => e.Kind == LedgerKind.RechargeRefund).ToList();
            var commissions = own.Where(e => e.Kind == LedgerKind.Commission).ToList();
            if (holds.Count != 1 || holds[0].AmountPoisha != -r.AmountPoisha || holds[0].WalletId != r.WalletId)
            {
                Add("I6 recharge money", r.Id, $"recharge {r.Id}: {holds.Count} hold(s) {string.Join(", ", holds.Select(h => h.AmountPoisha))}, expected one of {-r.AmountPoisha}");
            }

            if (refunds.Count > 1 || commissions.Count > 1 || (refunds.Count > 0 && commissions.Count > 0))
            {
                Add("I6 recharge money", r.Id, $"recharge {r.Id}: {refunds.Count} refund(s) and {commissions.Count} commission(s)");
            }

            if (refunds.Any(e => e.AmountPoisha != r.AmountPoisha) || commissions.Any(e => e.AmountPoisha != r.CommissionPoisha))
            {
                Add("I6 recharge money", r.Id, $"recharge {r.Id}: a refund or commission of the wrong amount");
            }

            if ((r.Status == RechargeStatus.Failed) != (refunds.Count == 1))
            {
                Add("I6 recharge money", r.Id, $"recharge {r.Id} is {r.Status} with {refunds.Count} refund(s)");
            }

            if (r.CommissionPoisha > 0 && (r.Status == RechargeStatus.Succeeded) != (commissions.Count == 1))
            {
                Add("I6 recharge money", r.Id, $"recharge {r.Id} is {r.Status} with {commissions.Count} commission(s) of {r.CommissionPoisha}");
            }

            // I7: nothing left half-sent, nothing still waiting.
            if (r.Status is RechargeStatus.Created or RechargeStatus.Submitting or RechargeStatus.Processing)
            {
                Add("I7 left in flight", r.Id, $"recharge {r.Id} {r.Reference} is still {r.Status} after the drain (last attempt {r.CurrentAttempt?.Outcome})");
            }
        }

        // I5: each wallet is the sum of its ledger, never negative; all wallets = deposits − kept + commissions.
        foreach (var wallet in wallets)
        {
            var own = entries.Where(e => e.WalletId == wallet.Id).ToList();
            if (own.Sum(e => e.AmountPoisha) != wallet.BalancePoisha)
            {
                Add("I5 wallets", null, $"wallet {wallet.Id}: balance {wallet.BalancePoisha}, entries sum to {own.Sum(e => e.AmountPoisha)}");
            }

            var running = 0L;
            foreach (var e in own)
            {
                running += e.AmountPoisha;
                if (e.BalanceAfterPoisha != running || running < 0)
                {
                    Add("I5 wallets", e.RechargeId, $"wallet {wallet.Id} entry {e.Id}: balance after {e.BalanceAfterPoisha}, running sum {running}");
                    break;
                }
            }
        }

        var deposits = entries.Where(e => e.RechargeId is null).Sum(e => e.AmountPoisha);
        var kept = recharges.Where(r => r.Status != RechargeStatus.Failed).Sum(r => r.AmountPoisha);
        var earned = recharges.Where(r => r.Status == RechargeStatus.Succeeded).Sum(r => r.CommissionPoisha);
        var total = wallets.Sum(w => w.BalancePoisha);
        if (total != deposits - kept + earned)
        {
            Add("I5 wallets", null, $"all wallets hold {total}; deposits {deposits} − kept {kept} + commissions {earned} = {deposits - kept + earned}");
        }

        return report;

        // The vendor itself gave the final answer the portal settled on — readable, and contrary to
        // its final truth — by the time the portal settled it; and the portal's reason does not quote
        // a wrong-shaped reply (an error read as a failure is the portal's fault, not a lie).
        bool ToldBefore(Recharge r, Reported answer)
        {
            var at = r.CompletedAtUtc ?? DateTime.MaxValue;
            var misread = world.Vendors.Any(v => r.StatusReason?.Contains(v.WrongShapeMessage, StringComparison.Ordinal) == true);
            return !misread && r.Attempts
                .SelectMany(a => world.VendorNamed(a.Provider).RepliesOf(a.UpstreamReference))
                .Any(x => x.IsReadableFinal && x.Reported == answer && x.AtUtc <= at);
        }

        async Task Classify(string invariant, Recharge r, bool lied, bool hasty, string what)
        {
            if (lied)
            {
                if (await PipelineSeams.IsFlaggedContradictionAsync(host, r.Id))
                {
                    return;
                }

                Add(invariant, r.Id, what + " — the vendor lied about it" + (PipelineSeams.ContradictionsRecorded ? ", and no contradiction is on record" : ""),
                    PipelineSeams.ContradictionsRecorded ? Bucket.Bug : Bucket.AwaitingContradictions);
            }
            else if (hasty)
            {
                Add(invariant, r.Id, what + " — an admin marked it failed on stale information while the provider said otherwise",
                    PipelineSeams.ResolveVerifiesWithProvider ? Bucket.Bug : Bucket.AwaitingReviewGuard);
            }
            else
            {
                Add(invariant, r.Id, what);
            }
        }
    }

    /// <summary>Everything known about one recharge: the row, its attempts, its money, the vendors' logs and the driver's notes.</summary>
    private static string StoryOf(SimWorld world, Recharge r, IReadOnlyList<LedgerEntry> entries, IReadOnlyDictionary<long, AdminDecision> decisions)
    {
        var lines = new List<string>
        {
            $"#{r.Id} {r.Reference} {r.Operator} {r.NumberType} {r.Number} Tk{r.AmountPoisha / 100} commission {r.CommissionPoisha}p: {r.Status}" +
            $"{(r.OutcomeKnown ? "" : " (outcome unknown)")}, checks {r.ChecksDone}, last '{r.LastCheckOutcome}', reason '{r.StatusReason}'" +
            (r.ResolvedByEmail is null ? "" : $", resolved: '{r.ResolutionNote}'"),
        };
        foreach (var a in r.Attempts.OrderBy(a => a.Sequence))
        {
            var vendor = world.VendorNamed(a.Provider);
            lines.Add($"attempt {a.Sequence} {a.Provider} ref {a.UpstreamReference}: {a.Outcome} '{a.OutcomeDetail}' — vendor truth now {vendor.TruthNow(a.UpstreamReference)}");
            lines.AddRange(vendor.EventsOf(a.UpstreamReference).Select(e => "  " + e));
        }

        lines.Add("money: " + string.Join(", ", entries.Where(e => e.RechargeId == r.Id).Select(e => $"{e.Kind} {e.AmountPoisha}")));
        lines.AddRange(world.NotesOf(r.Id).Select(n => "driver: " + n));
        if (decisions.TryGetValue(r.Id, out var d))
        {
            lines.Add($"admin decision applied: {(d.Successful ? "successful" : "failed")}, {d.Basis}");
        }

        return string.Join('\n', lines);
    }
}
