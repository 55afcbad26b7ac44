using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Data.Sqlite;
using RechargePortal.Components.Shared;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Resellers;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using SQLitePCL;

namespace RechargePortal.Features.Demo;

/// <summary>
/// One <see cref="DemoSeeder"/> batch: the timeline of recharges, each walked through the real
/// <see cref="Recharge"/> state machine up to "now", and the ledger events in time order (deposits,
/// holds, then commissions and refunds when each recharge finished), written with prepared commands.
/// </summary>
internal sealed class SeedRun(
    DemoSeeder seeder,
    SqliteConnection connection,
    DemoSeedOptions options,
    Random random,
    DateTime nowUtc,
    DateTime periodStartUtc,
    IReadOnlyList<string> providerNames,
    IReadOnlyList<DemoSeeder.Reseller> resellers,
    DemoSeeder.AdminActor admin,
    Action<string> report)
{
    private const string SystemActor = "system";

    private readonly RechargeOptions rules = seeder.RechargeSettings;
    private readonly Dictionary<RechargeStatus, int> byStatus = Enum.GetValues<RechargeStatus>().ToDictionary(s => s, _ => 0);
    private readonly PriorityQueue<Completion, long> finishing = new();
    private readonly Dictionary<(int Reseller, MobileOperator Op), List<(string Number, NumberType Type)>> customers = [];
    private readonly Dictionary<(MobileOperator, NumberType), AmountLimits> limitsCache = [];
    private long[] balances = [];
    private double[] resellerCumulative = [];
    private long[] dailySpend = [];
    private long rechargeId;
    private long attemptId;
    private long ledgerId;
    private long auditId;
    private DateTime lastLedgerAt = DateTime.MinValue;
    private SqliteTransaction? tx;
    private Writer? writer;
    private Insert? recharges;
    private Insert? attempts;
    private Insert? ledger;
    private Insert? audit;

    public long LedgerEntries { get; private set; }
    public int Deposits { get; private set; }
    public IReadOnlyDictionary<RechargeStatus, int> ByStatus => byStatus;

    private sealed record Completion(long RechargeId, int Reseller, LedgerKind Kind, long AmountPoisha, DateTime AtUtc, string Memo);

    /// <summary>Synchronous (SQLite is) and optimized from the first call: a long loop must not run as tier-0 code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Generate(CancellationToken ct)
    {
        var ticks = Timeline();
        var inFlight = InFlightCount(options.Recharges);
        var forReview = PickForReview(ticks, inFlight);
        PlanResellers();

        rechargeId = MaxId("Recharges");
        attemptId = MaxId("RechargeAttempts");
        ledgerId = MaxId("LedgerEntries");
        auditId = MaxId("AuditLog");

        using (recharges = new Insert(connection, "Recharges",
                   "Id", "Reference", "ClientRequestId", "ResellerId", "WalletId", "Number", "Operator", "NumberType", "AmountPoisha",
                   "CommissionPoisha", "OfferPack", "Status", "OutcomeKnown", "CreatedAtUtc", "BusinessDay", "UpdatedAtUtc", "SubmittedAtUtc",
                   "CompletedAtUtc", "DeadlineUtc", "NextCheckAtUtc", "ChecksDone", "LastCheckAtUtc", "LastCheckOutcome", "Provider",
                   "OperatorTrxId", "StatusReason", "ResellerNote", "ResolvedByEmail", "ResolutionNote", "LateCheckedAtUtc", "Version"))
        using (attempts = new Insert(connection, "RechargeAttempts",
                   "Id", "RechargeId", "Sequence", "Provider", "UpstreamReference", "CreatedAtUtc", "Outcome", "OutcomeDetail", "UpstreamTrxId", "CompletedAtUtc"))
        using (ledger = new Insert(connection, "LedgerEntries",
                   "Id", "WalletId", "Kind", "AmountPoisha", "BalanceAfterPoisha", "AtUtc", "ActorId", "ActorEmail", "Memo", "Reference", "RechargeId",
                   "AuditEntryId", "RequestId"))
        using (audit = new Insert(connection, "AuditLog",
                   "Id", "AtUtc", "ActorId", "ActorEmail", "Action", "TargetType", "TargetId", "TargetDisplay", "Details"))
        {
            writer = new Writer();
            try
            {
                Begin();
                for (var k = 0; k < resellers.Count; k++)
                {
                    var at = periodStartUtc.AddHours(-3).AddTicks(TimeSpan.FromHours(2).Ticks / resellers.Count * k);
                    Deposit(k, RoundUpTaka(Math.Max(dailySpend[k] * random.Next(20, 40) / 10, 10_000_00), 1_000), at, opening: true);
                }

                var inBatch = 0;
                var step = Math.Max(options.Recharges / 10, 1);
                var started = DateTime.UtcNow;
                for (var i = 0; i < ticks.Length; i++)
                {
                    if (i % 1000 == 0)
                    {
                        ct.ThrowIfCancellationRequested();
                    }

                    var at = new DateTime(ticks[i], DateTimeKind.Utc);
                    while (finishing.TryPeek(out var done, out var due) && due <= ticks[i])
                    {
                        finishing.Dequeue();
                        Finish(done);
                    }

                    var fate = i >= ticks.Length - inFlight ? Fate.InFlight : forReview.Contains(i) ? Fate.Review : Fate.Natural;
                    PlaceRecharge(PickReseller(), at, fate);
                    inBatch++;
                    // Commit only with nothing awaiting its commission or refund: every commit keeps the ledger whole.
                    if (inBatch >= options.BatchSize && finishing.Count == 0)
                    {
                        Commit();
                        Begin();
                        inBatch = 0;
                    }

                    if ((i + 1) % step == 0 || i + 1 == ticks.Length)
                    {
                        var seconds = Math.Max((DateTime.UtcNow - started).TotalSeconds, 0.001);
                        report(string.Create(CultureInfo.InvariantCulture, $"  {i + 1,12:N0} / {ticks.Length:N0} recharges  ({(i + 1) / seconds:N0}/s)"));
                    }
                }

                while (finishing.TryDequeue(out var done, out _))
                {
                    Finish(done);
                }

                Commit();
                writer.Complete();
            }
            catch
            {
                writer.Abandon();
                throw;
            }
            finally
            {
                // Stopped or failed: the open transaction is rolled back, committed batches stay whole.
                tx?.Dispose();
            }
        }
    }

    // ---- The timeline ----

    /// <summary>Relative recharge volume by Bangladesh hour: quiet at night, busiest in the evening.</summary>
    private static readonly double[] HourWeights =
        [1.2, 0.6, 0.3, 0.2, 0.2, 0.4, 1.0, 2.0, 3.5, 5.0, 6.0, 6.5, 6.0, 5.5, 5.5, 5.8, 6.0, 6.5, 7.0, 7.5, 7.5, 6.5, 4.5, 2.5];

    /// <summary>The newest recharges are still waiting for their provider's answer.</summary>
    private static int InFlightCount(int recharges) => Math.Min(recharges, Math.Max(1, recharges / 100_000));

    /// <summary>Creation instants, sorted: a daily volume with a weekly rhythm and slow growth, spread by hour.</summary>
    private long[] Timeline()
    {
        var days = options.Days;
        var firstDay = DateOnly.FromDateTime(DhakaTime.FromUtc(periodStartUtc));
        var weights = new double[days];
        for (var d = 0; d < days; d++)
        {
            var day = firstDay.AddDays(d);
            var weekly = day.DayOfWeek switch { DayOfWeek.Friday => 0.85, DayOfWeek.Saturday => 0.95, _ => 1.0 };
            var payday = day.Day <= 5 ? 1.1 : 1.0;
            var growth = 1.0 + 0.15 * d / Math.Max(days - 1, 1);
            weights[d] = weekly * payday * growth * (0.93 + 0.14 * random.NextDouble()) * Elapsed(d);
        }

        // Largest remainders: the counts add up to exactly the number asked for.
        var total = weights.Sum();
        var exact = weights.Select(w => options.Recharges * w / total).ToArray();
        var counts = exact.Select(x => (int)Math.Floor(x)).ToArray();
        foreach (var d in Enumerable.Range(0, days).OrderByDescending(d => exact[d] - counts[d]).Take(options.Recharges - counts.Sum()))
        {
            counts[d]++;
        }

        var ticks = new long[options.Recharges];
        var n = 0;
        for (var d = 0; d < days; d++)
        {
            var start = periodStartUtc.AddDays(d);
            var end = start.AddDays(1) < nowUtc ? start.AddDays(1) : nowUtc;
            var segments = new List<(long From, long To, double Weight)>();
            for (var h = 0; h < 24; h++)
            {
                var from = start.AddHours(h);
                var to = from.AddHours(1) < end ? from.AddHours(1) : end;
                if (to > from)
                {
                    segments.Add((from.Ticks, to.Ticks, HourWeights[h] * (to - from).TotalHours));
                }
            }

            var cumulative = new double[segments.Count];
            var sum = 0.0;
            for (var s = 0; s < segments.Count; s++)
            {
                cumulative[s] = sum += segments[s].Weight;
            }

            var dayStart = n;
            for (var c = 0; c < counts[d]; c++)
            {
                var s = Array.BinarySearch(cumulative, random.NextDouble() * sum);
                s = Math.Min(s < 0 ? ~s : s, segments.Count - 1);
                ticks[n++] = random.NextInt64(segments[s].From, segments[s].To);
            }

            Array.Sort(ticks, dayStart, n - dayStart);
        }

        // The newest few were placed in the last minute: still in flight.
        var inFlight = InFlightCount(options.Recharges);
        for (var i = ticks.Length - inFlight; i < ticks.Length; i++)
        {
            ticks[i] = nowUtc.AddSeconds(-random.Next(5, 60)).AddTicks(-random.Next(0, 10_000_000)).Ticks;
        }

        Array.Sort(ticks);
        return ticks;

        // Today counts only as far as it has gone.
        double Elapsed(int d)
        {
            var start = periodStartUtc.AddDays(d);
            if (start.AddDays(1) <= nowUtc)
            {
                return 1;
            }

            var done = 0.0;
            for (var h = 0; h < 24; h++)
            {
                var from = start.AddHours(h);
                var hours = Math.Clamp((nowUtc - from).TotalHours, 0, 1);
                done += HourWeights[h] * hours;
            }

            return done / HourWeights.Sum();
        }
    }

    /// <summary>A few recharges of the last three days (not the last 45 minutes) never got a final answer: they wait in review.</summary>
    private HashSet<int> PickForReview(long[] ticks, int inFlight)
    {
        var from = nowUtc.AddDays(-3).Ticks;
        var to = nowUtc.AddMinutes(-45).Ticks;
        var eligible = Enumerable.Range(0, ticks.Length - inFlight).Where(i => ticks[i] >= from && ticks[i] < to).ToList();
        var wanted = Math.Min(eligible.Count, Math.Max(2, options.Recharges / 40_000));
        var picked = new HashSet<int>();
        while (picked.Count < wanted)
        {
            picked.Add(eligible[random.Next(eligible.Count)]);
        }

        return picked;
    }

    /// <summary>Some shops sell far more than others (log-normal weights); each tops up to a few days of its sales.</summary>
    private void PlanResellers()
    {
        var weights = resellers.Select(_ => Math.Exp(0.8 * Gaussian())).ToArray();
        var total = weights.Sum();
        resellerCumulative = new double[weights.Length];
        var sum = 0.0;
        for (var k = 0; k < weights.Length; k++)
        {
            resellerCumulative[k] = sum += weights[k] / total;
        }

        // About ৳180 a recharge on average.
        dailySpend = weights.Select(w => (long)(w / total * options.Recharges * 180_00 / options.Days)).ToArray();
        balances = new long[resellers.Count];
    }

    private int PickReseller()
    {
        var k = Array.BinarySearch(resellerCumulative, random.NextDouble());
        return Math.Min(k < 0 ? ~k : k, resellerCumulative.Length - 1);
    }

    private double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    // ---- One recharge ----

    private enum Fate
    {
        Natural,
        InFlight,
        Review,
    }

    /// <summary>Market shares: Grameenphone ~45 %, Robi and Banglalink ~20 % each, Airtel ~8 %, Teletalk ~7 %.</summary>
    private static readonly (MobileOperator Op, double Share, double FailRate)[] Operators =
    [
        (MobileOperator.Grameenphone, 0.45, 0.04), (MobileOperator.Robi, 0.20, 0.05), (MobileOperator.Banglalink, 0.20, 0.055),
        (MobileOperator.Airtel, 0.08, 0.06), (MobileOperator.Teletalk, 0.07, 0.09),
    ];

    /// <summary>Common recharge amounts in taka, by how often people ask for them.</summary>
    private static readonly (long Taka, int Weight)[] CommonAmounts =
    [
        (20, 8), (25, 2), (30, 10), (40, 3), (50, 16), (60, 2), (70, 1), (80, 2), (100, 18), (120, 1), (150, 5), (200, 10), (250, 2),
        (300, 6), (400, 1), (500, 8), (700, 1), (1000, 4),
    ];

    private static readonly int CommonAmountsTotal = CommonAmounts.Sum(a => a.Weight);

    private sealed record DemoPack(MobileOperator Op, NumberType Type, long Taka, OfferType Kind, string Contents, string Validity, long CommissionPoisha)
    {
        // As RechargeService describes a matched pack.
        public string Description => $"{Kind} pack: {Contents}, {Validity}";
    }

    private static readonly DemoPack[] Packs =
    [
        new(MobileOperator.Grameenphone, NumberType.Prepaid, 198, OfferType.Internet, "5 GB", "7 Days", 4_00),
        new(MobileOperator.Grameenphone, NumberType.Prepaid, 699, OfferType.Bundle, "10 GB · 300 Min · 100 SMS", "30 Days", 14_00),
        new(MobileOperator.Grameenphone, NumberType.Skitto, 399, OfferType.Internet, "20 GB", "30 Days", 6_00),
        new(MobileOperator.Banglalink, NumberType.Prepaid, 289, OfferType.Minutes, "250 Min", "30 Days", 5_50),
        new(MobileOperator.Banglalink, NumberType.Prepaid, 148, OfferType.Internet, "6 GB", "7 Days", 3_00),
        new(MobileOperator.Robi, NumberType.Prepaid, 116, OfferType.Minutes, "100 Min", "30 Days", 2_00),
        new(MobileOperator.Robi, NumberType.Prepaid, 399, OfferType.Internet, "15 GB", "30 Days", 8_00),
        new(MobileOperator.Airtel, NumberType.Prepaid, 249, OfferType.Bundle, "3 GB · 150 Min", "15 Days", 5_00),
        new(MobileOperator.Teletalk, NumberType.Prepaid, 87, OfferType.Internet, "2 GB", "7 Days", 1_50),
    ];

    private static readonly string[] RefusedReasons =
        ["Invalid number for this operator", "Amount not allowed for this number", "Number is barred", "Duplicate request within 5 minutes"];

    private static readonly string[] OperatorFailures =
        ["Recharge failed at operator", "Subscriber not found", "Operator system timeout", "Recharge limit exceeded for this number"];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PlaceRecharge(int k, DateTime createdAt, Fate fate)
    {
        var reseller = resellers[k];
        var id = ++rechargeId;
        var (op, failRate) = PickOperator();
        var (number, type) = PickCustomer(k, op);
        var (amount, pack) = PickAmount(op, type);
        var packCommission = pack is null ? (Money?)null : new Money(pack.CommissionPoisha);
        var chain = ChainOf(k);
        // The placer's share, and each ancestor's margin on success (as the pipeline pays them).
        var shares = chain.Count == 1
            ? [CommissionService.Earns(reseller.Plan, op, type, amount, packCommission)]
            : CommissionTree.Shares(chain.Select(i => new ChainLink(resellers[i].UserId, resellers[i].WalletId, resellers[i].Email, resellers[i].Plan)).ToList(),
                op, type, amount, packCommission);
        var commission = shares[0];
        var reference = Reference(createdAt, id);
        var r = Recharge.Create(reference, RequestId(id), reseller.UserId, reseller.WalletId,
            new RechargeOrder(number, op, type, amount), commission, pack?.Description, createdAt);

        var provider = PickProvider();
        var sentAt = createdAt.AddMilliseconds(random.Next(150, 1500));
        var attempt = r.BeginAttempt(provider, RechargeWording.UpstreamReference(sentAt, id, 1), sentAt);
        var repliedAt = sentAt.AddMilliseconds(random.Next(400, 3000));
        var deadline = TimeSpan.FromMinutes(rules.DeadlineMinutes);
        var roll = random.NextDouble();
        if (fate == Fate.Natural && roll < failRate * 0.4)
        {
            // Refused outright on submission: failed and refunded at once.
            var reason = RefusedReasons[random.Next(RefusedReasons.Length)];
            r.MarkRejected(attempt, reason, repliedAt);
            r.MarkFailed($"Refused by {provider}: {reason}", RechargeWording.ResellerNotes.Refused, repliedAt);
        }
        else
        {
            if (fate == Fate.Natural && random.NextDouble() < 0.01)
            {
                repliedAt = sentAt.AddSeconds(30);
                r.MarkOutcomeUnknown(attempt, $"No reply from {provider} within 30 seconds", repliedAt, repliedAt + rules.BackoffAfter(0), repliedAt + deadline);
            }
            else
            {
                r.MarkAccepted(attempt, UpstreamTrxId(provider), repliedAt, repliedAt + rules.BackoffAfter(0), repliedAt + deadline);
            }

            var fails = fate == Fate.Natural && roll < failRate;
            // When the provider has the final answer; status checks (with the pipeline's backoff) find it.
            var answerAt = fate != Fate.Natural ? DateTime.MaxValue
                : fails ? repliedAt.AddSeconds(random.Next(10, 600))
                : repliedAt.AddSeconds(Math.Min(3 + Math.Exp(1.5 + 0.8 * Gaussian()), 240));
            while (r.Status == RechargeStatus.Processing && r.NextCheckAtUtc is { } check && check <= nowUtc)
            {
                if (check >= answerAt && fails)
                {
                    r.MarkFailed($"{provider} reports it failed: {OperatorFailures[random.Next(OperatorFailures.Length)]}", RechargeWording.ResellerNotes.OperatorFailed, check);
                }
                else if (check >= answerAt)
                {
                    r.MarkSucceeded(OperatorTrxId(op, check), check);
                }
                else
                {
                    r.RecordCheck("Pending", check, check + rules.BackoffAfter(r.ChecksDone + 1), check + RechargeProcessor.ReviewRecheck);
                }
            }
        }

        byStatus[r.Status]++;
        if (balances[k] < amount.Poisha)
        {
            var topUp = RoundUpTaka(Math.Max(dailySpend[k] * random.Next(15, 40) / 10, 5_000_00), 1_000);
            var at = createdAt.AddSeconds(-random.Next(60, 20 * 60));
            Deposit(k, Math.Max(topUp, RoundUpTaka(amount.Poisha - balances[k], 1_000)), at > lastLedgerAt ? at : lastLedgerAt, opening: false);
        }

        Write(recharges!, id, r.Reference, r.ClientRequestId, r.ResellerId, r.WalletId, r.Number, r.Operator.ToString(), r.NumberType.ToString(),
            r.AmountPoisha, r.CommissionPoisha, r.OfferPack, r.Status.ToString(), r.OutcomeKnown, r.CreatedAtUtc, r.BusinessDay, r.UpdatedAtUtc,
            r.SubmittedAtUtc, r.CompletedAtUtc, r.DeadlineUtc, r.NextCheckAtUtc, r.ChecksDone, r.LastCheckAtUtc, r.LastCheckOutcome, r.Provider,
            // Demo history is not asked about again: the sandbox never saw it.
            r.OperatorTrxId, r.StatusReason, r.ResellerNote, r.ResolvedByEmail, r.ResolutionNote, r.CompletedAtUtc, r.Version);
        Write(attempts!, ++attemptId, id, attempt.Sequence, attempt.Provider, attempt.UpstreamReference, attempt.CreatedAtUtc,
            attempt.Outcome.ToString(), attempt.OutcomeDetail, attempt.UpstreamTrxId, attempt.CompletedAtUtc);

        Ledger(k, LedgerKind.RechargeHold, -amount.Poisha, createdAt, null, SystemActor,
            RechargeWording.HoldMemo(number, op, type, reference), null, id, null, null);
        if (r.Status == RechargeStatus.Failed)
        {
            finishing.Enqueue(new Completion(id, k, LedgerKind.RechargeRefund, amount.Poisha, r.CompletedAtUtc!.Value,
                RechargeWording.RefundMemo(reference, number)), r.CompletedAtUtc.Value.Ticks);
        }
        else if (r.Status == RechargeStatus.Succeeded && commission.IsPositive)
        {
            finishing.Enqueue(new Completion(id, k, LedgerKind.Commission, commission.Poisha, r.CompletedAtUtc!.Value,
                RechargeWording.CommissionMemo(reference)), r.CompletedAtUtc.Value.Ticks);
        }

        if (r.Status == RechargeStatus.Succeeded)
        {
            for (var level = 1; level < chain.Count; level++)
            {
                if (shares[level].IsPositive)
                {
                    finishing.Enqueue(new Completion(id, chain[level], LedgerKind.Commission, shares[level].Poisha, r.CompletedAtUtc!.Value,
                        ResellerWording.MarginMemo(reference, reseller.Email)), r.CompletedAtUtc.Value.Ticks);
                }
            }
        }
    }

    private readonly Dictionary<int, IReadOnlyList<int>> chains = [];

    /// <summary>The reseller <paramref name="k"/> and its ancestors (indices in this batch), the placer first.</summary>
    private IReadOnlyList<int> ChainOf(int k)
    {
        if (!chains.TryGetValue(k, out var chain))
        {
            var links = new List<int> { k };
            while (resellers[links[^1]].Parent is { } parent)
            {
                links.Add(parent);
            }

            chains[k] = chain = links;
        }

        return chain;
    }

    private (MobileOperator Op, double FailRate) PickOperator()
    {
        var x = random.NextDouble();
        foreach (var (op, share, failRate) in Operators)
        {
            if ((x -= share) < 0)
            {
                return (op, failRate);
            }
        }

        return (Operators[0].Op, Operators[0].FailRate);
    }

    /// <summary>Six in ten recharges are for a shop's regular customers; the rest are new numbers.</summary>
    private (string Number, NumberType Type) PickCustomer(int k, MobileOperator op)
    {
        if (!customers.TryGetValue((k, op), out var regulars))
        {
            customers[(k, op)] = regulars = [];
        }

        if (regulars.Count > 20 && random.NextDouble() < 0.6)
        {
            return regulars[random.Next(regulars.Count)];
        }

        var prefix = op switch
        {
            MobileOperator.Grameenphone => random.NextDouble() < 0.8 ? "017" : "013",
            MobileOperator.Banglalink => random.NextDouble() < 0.75 ? "019" : "014",
            MobileOperator.Robi => "018",
            MobileOperator.Airtel => "016",
            _ => "015",
        };
        var number = prefix + random.Next(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture);
        var x = random.NextDouble();
        var type = op == MobileOperator.Grameenphone
            ? x < 0.80 ? NumberType.Prepaid : x < 0.86 ? NumberType.Postpaid : x < 0.94 ? NumberType.Skitto : NumberType.PowerLoad
            : x < 0.88 ? NumberType.Prepaid : x < 0.95 ? NumberType.Postpaid : NumberType.PowerLoad;
        if (regulars.Count < 400)
        {
            regulars.Add((number, type));
        }

        return (number, type);
    }

    /// <summary>A common amount, a postpaid bill, or (one in twelve) an offer pack's price, within the configured limits.</summary>
    private (Money Amount, DemoPack? Pack) PickAmount(MobileOperator op, NumberType type)
    {
        if (!limitsCache.TryGetValue((op, type), out var limits))
        {
            limitsCache[(op, type)] = limits = AmountLimits.For(rules.EffectiveAmountRules, op, type);
        }

        if (type != NumberType.Postpaid && random.NextDouble() < 1.0 / 12)
        {
            var packs = Packs.Where(p => p.Op == op && p.Type == type).ToList();
            if (packs.Count > 0 && packs[random.Next(packs.Count)] is var pack && limits.Check(Money.FromTaka(pack.Taka)) is null)
            {
                return (Money.FromTaka(pack.Taka), pack);
            }
        }

        for (var tries = 0; tries < 10; tries++)
        {
            var taka = type == NumberType.Postpaid ? (long)Math.Round(Math.Exp(6.4 + 0.6 * Gaussian())) : CommonAmount();
            if (limits.Check(Money.FromTaka(taka)) is null)
            {
                return (Money.FromTaka(taka), null);
            }
        }

        return (limits.Min, null);
    }

    private long CommonAmount()
    {
        var x = random.Next(CommonAmountsTotal);
        foreach (var (taka, weight) in CommonAmounts)
        {
            if ((x -= weight) < 0)
            {
                return taka;
            }
        }

        return 100;
    }

    /// <summary>The first configured provider carries about 70 %, the others share the rest.</summary>
    private string PickProvider()
    {
        if (providerNames.Count == 1)
        {
            return providerNames[0];
        }

        var x = random.NextDouble();
        return x < 0.7 ? providerNames[0] : providerNames[1 + random.Next(providerNames.Count - 1)];
    }

    private string UpstreamTrxId(string provider) =>
        string.Create(CultureInfo.InvariantCulture, $"{provider[..Math.Min(2, provider.Length)].ToUpperInvariant()}{random.NextInt64(1_000_000_000, 9_999_999_999)}");

    private string OperatorTrxId(MobileOperator op, DateTime at)
    {
        return string.Create(CultureInfo.InvariantCulture, $"{OperatorCode.Of(op)}{DhakaTime.FromUtc(at):yyMMdd}{random.Next(0, 10_000_000):D7}");
    }

    // ---- Unique identifiers: derived from the row's id through a bijection, so they never repeat ----

    /// <summary><c>RC261122-7K2M9Q4X</c> as the recharge service makes them: the UTC date, then 8 characters (40 bits) from the id.</summary>
    internal static string Reference(DateTime createdAtUtc, long id)
    {
        const ulong mask = (1UL << 40) - 1;
        var x = ((ulong)id * 0x9E3779B1UL) & mask;
        x = ((x ^ 0xA5A5A5A5A5UL) * 0x2545F491UL) & mask;
        Span<char> code = stackalloc char[8];
        for (var i = 7; i >= 0; i--)
        {
            code[i] = RechargeWording.ReferenceAlphabet[(int)(x & 31)];
            x >>= 5;
        }

        return RechargeWording.Reference(createdAtUtc, code);
    }

    /// <summary>Looks like the browser's <c>Guid.ToString("N")</c>; the second half comes from the id, so it is unique.</summary>
    private string RequestId(long id)
    {
        var x = (ulong)id * 0x9E3779B97F4A7C15UL;
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9UL;
        return string.Create(CultureInfo.InvariantCulture, $"{(ulong)random.NextInt64():x16}{x:x16}");
    }

    // ---- Money ----

    private static long RoundUpTaka(long poisha, long taka) => (poisha + taka * 100 - 1) / (taka * 100) * (taka * 100);

    private static readonly (string Note, string? Prefix, double Share)[] Channels =
    [
        ("bKash deposit", "BK", 0.45), ("Bank deposit (DBBL)", "DBBL-", 0.15), ("Bank deposit (City Bank)", "CBL-", 0.10),
        ("Nagad deposit", "NG", 0.15), ("Cash at office", null, 0.15),
    ];

    /// <summary>An admin's credit, as <see cref="WalletService.CreditAsync"/> records it: audit entry, then the ledger entry pointing to it.</summary>
    private void Deposit(int k, long poisha, DateTime at, bool opening)
    {
        var reseller = resellers[k];
        var x = random.NextDouble();
        var channel = Channels[^1];
        foreach (var c in Channels)
        {
            if ((x -= c.Share) < 0)
            {
                channel = c;
                break;
            }
        }

        var reference = channel.Prefix is null ? null
            : channel.Prefix + (channel.Prefix.EndsWith('-') ? random.NextInt64(1_000_000_000, 9_999_999_999).ToString(CultureInfo.InvariantCulture)
                : new string(Enumerable.Range(0, 8).Select(_ => RechargeWording.ReferenceAlphabet[random.Next(RechargeWording.ReferenceAlphabet.Length)]).ToArray()));
        var note = opening ? $"Opening balance, {channel.Note}" : channel.Note;
        var amount = new Money(poisha);
        var auditEntry = ++auditId;
        Write(audit!, auditEntry, at, admin.Id, admin.Email, AuditActions.WalletCredited, AuditTargets.Wallet,
            reseller.WalletId.ToString(CultureInfo.InvariantCulture), reseller.Email, $"{amount}{(reference is null ? "" : $" ref {reference}")}: {note}");
        Ledger(k, LedgerKind.Deposit, poisha, at, admin.Id, admin.Email, note, reference, null, auditEntry, RequestId(ledgerId + 1));
        Deposits++;
    }

    private void Finish(Completion done) =>
        Ledger(done.Reseller, done.Kind, done.AmountPoisha, done.AtUtc, null, SystemActor, done.Memo, null, done.RechargeId, null, null);

    private void Ledger(int k, LedgerKind kind, long amount, DateTime at, string? actorId, string actorEmail, string memo,
        string? reference, long? rechargeId, long? auditEntryId, string? requestId)
    {
        balances[k] += amount;
        if (balances[k] < 0)
        {
            throw new InvalidOperationException($"Demo data bug: {resellers[k].Email}'s balance would go below zero.");
        }

        lastLedgerAt = at > lastLedgerAt ? at : lastLedgerAt;
        Write(ledger!, ++ledgerId, resellers[k].WalletId, kind.ToString(), amount, balances[k], at, actorId, actorEmail, memo, reference,
            rechargeId, auditEntryId, requestId);
        LedgerEntries++;
    }

    // ---- SQLite ----

    private void Write(Insert target, params object?[] values) => writer!.Add(new Work(target, values, null));

    private void Begin() => writer!.Add(new Work(null, null, () => tx = connection.BeginTransaction()));

    /// <summary>Wallet balances follow their ledger in the same transaction.</summary>
    private void Commit()
    {
        var snapshot = (long[])balances.Clone();
        writer!.Add(new Work(null, null, () =>
        {
            using (var update = connection.CreateCommand())
            {
                update.Transaction = tx;
                update.CommandText = "UPDATE Wallets SET BalancePoisha = $b WHERE Id = $id";
                var b = update.Parameters.Add("$b", SqliteType.Integer);
                var w = update.Parameters.Add("$id", SqliteType.Integer);
                for (var k = 0; k < resellers.Count; k++)
                {
                    b.Value = snapshot[k];
                    w.Value = resellers[k].WalletId;
                    update.ExecuteNonQuery();
                }
            }

            tx!.Commit();
            tx.Dispose();
            tx = null;
        }));
    }

    private readonly record struct Work(Insert? Target, object?[]? Values, Action? Action);

    /// <summary>
    /// Does the SQLite work on a thread of its own, in order, while the next recharges are being made:
    /// on two cores the seed takes about as long as the slower of the two, not their sum.
    /// </summary>
    private sealed class Writer
    {
        private readonly BlockingCollection<Work> queue = new(boundedCapacity: 20_000);
        private readonly Thread thread;
        private volatile bool abandoned;
        private Exception? failure;

        public Writer()
        {
            thread = new Thread(Loop) { IsBackground = true, Name = "demo-seed-writer" };
            thread.Start();
        }

        public void Add(Work work)
        {
            try
            {
                queue.Add(work);
            }
            catch (InvalidOperationException) when (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }

        /// <summary>Waits until everything queued is written; throws what the writer met.</summary>
        public void Complete()
        {
            queue.CompleteAdding();
            thread.Join();
            if (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }

        /// <summary>Stops without writing what is still queued.</summary>
        public void Abandon()
        {
            abandoned = true;
            queue.CompleteAdding();
            thread.Join();
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Loop()
        {
            try
            {
                foreach (var work in queue.GetConsumingEnumerable())
                {
                    if (abandoned)
                    {
                        continue;
                    }

                    if (work.Target is { } target)
                    {
                        target.Run(work.Values!);
                    }
                    else
                    {
                        work.Action!();
                    }
                }
            }
            catch (Exception e)
            {
                failure = e;
                queue.CompleteAdding();
            }
        }
    }

    private long MaxId(string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE(MAX(Id), 0) FROM \"{table}\"";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// A prepared INSERT on the seeding connection, bound by position through SQLitePCL.raw (the layer under
    /// Microsoft.Data.Sqlite): SqliteCommand.ExecuteNonQuery spends about 20 µs a row on its own for 30
    /// named parameters (measured here), three times what SQLite needs to store the row.
    /// </summary>
    private sealed class Insert : IDisposable
    {
        private readonly sqlite3 db;
        private readonly sqlite3_stmt statement;
        private readonly int columns;

        public Insert(SqliteConnection connection, string table, params string[] columns)
        {
            db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
            this.columns = columns.Length;
            var sql = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select(_ => "?"))})";
            SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, sql, out statement), db);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(params object?[] values)
        {
            if (values.Length != columns)
            {
                throw new ArgumentException($"{columns} values expected.", nameof(values));
            }

            for (var i = 0; i < values.Length; i++)
            {
                var rc = DemoSeeder.SqlValue(values[i]) switch
                {
                    DBNull => raw.sqlite3_bind_null(statement, i + 1),
                    long n => raw.sqlite3_bind_int64(statement, i + 1, n),
                    int n => raw.sqlite3_bind_int64(statement, i + 1, n),
                    string text => raw.sqlite3_bind_text(statement, i + 1, text),
                    var other => throw new ArgumentException($"No binding for {other.GetType().Name}.", nameof(values)),
                };
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            var step = raw.sqlite3_step(statement);
            raw.sqlite3_reset(statement);
            if (step != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(step, db);
            }
        }

        public void Dispose() => statement.Dispose();
    }
}
