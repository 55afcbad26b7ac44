using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Components.Shared;
using RechargePortal.Data;
using Microsoft.Extensions.Options;
using RechargePortal.Features.Recharges;
using RechargePortal.Features.Resellers;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;
using RechargePortal.Security;

namespace RechargePortal.Features.Reports;

/// <summary>
/// Read-only figures over recharges and provider balances for the reports and dashboards. Rows
/// (pages, the export) are picked by <c>CreatedAtUtc</c> between the UTC bounds of Bangladesh days
/// and read in time order from the <c>IX_Recharges_Report</c> index; figures (totals, summary,
/// reconciliation) are picked by <see cref="Recharge.BusinessDay"/>, the same days, and grouped in
/// the order of the <c>IX_Recharges_Day</c> index, so SQLite adds up one index range without sorting
/// (measured with <c>bench-reports</c> on a million recharges: README, "Demo data and report performance").
/// Every read takes the <see cref="Actor"/> and is for an active admin or auditor; a reseller reads the transactions (page,
/// totals, export) of their own subtree only, seeing their own earnings and no provider (<see cref="ScopeAsync"/>), and their
/// own day (<see cref="TodayAsync"/>); the <c>...ForSystemAsync</c> reads take none and check nothing: the system's (<c>bench-reports</c>), never a page's.
/// </summary>
public sealed class ReportService(
    IDbContextFactory<PortalDbContext> dbs, ProviderRegistry providers, ActiveUserGuard guard, TimeProvider time, IOptions<ResellerOptions> resellerOptions)
{
    public const int MaxPageSize = 200;

    private const string What = "reports";

    // ---- Guarded reads (pages, endpoints) ----

    public async Task<IReadOnlyList<TransactionRow>> TransactionsAsync(
        Actor actor, ReportFilter filter, TransactionSort sort, bool descending, int skip, int take, CancellationToken ct = default)
    {
        var scope = await ScopeAsync(actor, filter, ct);
        var rows = await TransactionsForSystemAsync(scope.Filter, sort, descending, skip, take, ct);
        if (scope.ViewerId is not { } viewer)
        {
            return rows;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var earned = await OwnCommission(db, viewer, db.Set<Recharge>().Where(r => ids.Contains(r.Id)))
            .GroupBy(e => e.RechargeId!.Value).Select(g => new { g.Key, Sum = g.Sum(e => e.AmountPoisha) }).ToDictionaryAsync(g => g.Key, g => g.Sum, ct);
        return rows.Select(r => AsSeenByReseller(r, earned)).ToList();
    }

    public async Task<ReportTotals> TotalsAsync(Actor actor, ReportFilter filter, CancellationToken ct = default)
    {
        var scope = await ScopeAsync(actor, filter, ct);
        var totals = await TotalsForSystemAsync(scope.Filter, ct);
        if (scope.ViewerId is not { } viewer)
        {
            return totals;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var recharges = Filtered(db, scope.Filter, await SubtreeAsync(db, scope.Filter, ct), byBusinessDay: true);
        return totals with { Commission = new Money(await OwnCommission(db, viewer, recharges).SumAsync(e => e.AmountPoisha, ct)) };
    }

    /// <summary>The export's rows; the actor is checked here, before the first row or byte of the answer.</summary>
    public async Task<IAsyncEnumerable<TransactionRow>> StreamAsync(Actor actor, ReportFilter filter, CancellationToken ct = default)
    {
        var scope = await ScopeAsync(actor, filter, ct);
        if (scope.ViewerId is not { } viewer)
        {
            return StreamForSystemAsync(scope.Filter, ct);
        }

        // A reseller's own earnings over the filter, read once: at most one entry per recharge of their subtree in the days.
        Dictionary<long, long> earned;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var recharges = Filtered(db, scope.Filter, await SubtreeAsync(db, scope.Filter, ct));
            earned = await OwnCommission(db, viewer, recharges)
                .GroupBy(e => e.RechargeId!.Value).Select(g => new { g.Key, Sum = g.Sum(e => e.AmountPoisha) }).ToDictionaryAsync(g => g.Key, g => g.Sum, ct);
        }

        return StreamForSystemAsync(scope.Filter, ct).Select(r => AsSeenByReseller(r, earned));
    }

    public async Task<SummaryReport> SummaryAsync(Actor actor, ReportFilter filter, CancellationToken ct = default)
    {
        await guard.DemandReaderAsync(dbs, actor, What, ct);
        return await SummaryForSystemAsync(filter, ct);
    }

    public async Task<IReadOnlyList<ReconciliationRow>> ReconciliationAsync(Actor actor, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        await guard.DemandReaderAsync(dbs, actor, What, ct);
        return await ReconciliationForSystemAsync(from, to, ct);
    }

    /// <summary>Today's figures (Bangladesh day): one reseller's (theirs, or any for a reader), or everyone's when <paramref name="resellerId"/> is null.</summary>
    public async Task<ReportTotals> TodayAsync(Actor actor, string? resellerId, CancellationToken ct = default)
    {
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            if (resellerId is null)
            {
                await guard.DemandReaderAsync(db, actor, What, ct);
            }
            else
            {
                await guard.DemandOwnerOrReaderAsync(db, actor, resellerId, "a reseller's figures", ct);
            }
        }

        var today = DhakaTime.Today(time);
        return await TotalsForSystemAsync(new ReportFilter { From = today, To = today, ResellerId = resellerId }, ct);
    }

    /// <summary>The resellers a report filter offers: every reseller for a reader; for a reseller, themself and everyone below them.</summary>
    public async Task<IReadOnlyList<ResellerOption>> ResellersAsync(Actor actor, CancellationToken ct = default)
    {
        var scope = await ScopeAsync(actor, new ReportFilter(), ct);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var users = db.UserRoles
            .Join(db.Roles.Where(r => r.Name == Roles.Reseller), ur => ur.RoleId, r => r.Id, (ur, r) => ur.UserId)
            .Join(db.Users, id => id, u => u.Id, (id, u) => u);
        if (scope.ViewerId is { } viewer)
        {
            List<string> subtree = [viewer, .. (await ResellerTree.DescendantsAsync(db, viewer, ct)).Select(d => d.Id)];
            users = users.Where(u => subtree.Contains(u.Id));
        }

        // Ordered before the projection: EF cannot translate an order by a member of the record.
        return await users.OrderBy(u => u.Email).Select(u => new ResellerOption(u.Id, u.Email ?? "", u.FullName)).ToListAsync(ct);
    }

    /// <summary>
    /// Who earned what on each of <paramref name="rechargeIds"/>, top level first: every level (the placer's commission and each
    /// ancestor's margin) for an admin or auditor; for a reseller, only their own share (their commission, or their margin on a
    /// recharge below them). Recharges that earned nothing (or nothing for the viewer) are absent.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<CommissionShare>>> CommissionSharesAsync(
        Actor actor, IReadOnlyCollection<long> rechargeIds, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var everyone = await guard.IsReaderAsync(db, actor, ct);
        if (!everyone && !await guard.IsActiveInRoleAsync(db, actor, Roles.Reseller, ct))
        {
            throw new AccessRefusedException(actor, "commission shares");
        }

        var ids = rechargeIds.Distinct().ToList();
        var entries = await (
                from e in db.LedgerEntries.AsNoTracking()
                join w in db.Wallets on e.WalletId equals w.Id
                join r in db.Set<Recharge>() on e.RechargeId equals r.Id
                where e.Kind == LedgerKind.Commission && ids.Contains(r.Id) && (everyone || w.UserId == actor.UserId)
                select new { RechargeId = r.Id, w.UserId, w.User!.Email, e.AmountPoisha, Placer = r.ResellerId })
            .ToListAsync(ct);
        var depths = new Dictionary<string, int>();
        foreach (var userId in entries.Select(e => e.UserId).Distinct())
        {
            depths[userId] = await ResellerTree.DepthAsync(db, userId, ct);
        }

        return entries.GroupBy(e => e.RechargeId).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<CommissionShare>)g
                .Select(e => new CommissionShare(depths[e.UserId], resellerOptions.Value.LevelName(depths[e.UserId]), e.Email ?? "", new Money(e.AmountPoisha), e.UserId == e.Placer))
                .OrderBy(s => s.Depth).ToList());
    }

    /// <summary>Recharges not yet final and not in review, placed at any time: a bare count, naming no one, so not guarded.</summary>
    public async Task<int> InFlightCountAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Set<Recharge>().CountAsync(
            r => r.Status == RechargeStatus.Created || r.Status == RechargeStatus.Submitting || r.Status == RechargeStatus.Processing, ct);
    }

    public IReadOnlyList<string> ProviderNames => providers.All.Select(p => p.Name).ToList();

    /// <summary>
    /// What <paramref name="actor"/> may read of <paramref name="filter"/>. An active admin or auditor: all of it. An active
    /// reseller: their own subtree only (themself and everyone below; by default all of it, or the part below a reseller of
    /// it) and never a sibling's or an ancestor's; no provider (which vendor served is the portal's business), and each
    /// recharge's commission is what the reseller earned on it (their commission, or their margin on a recharge below them).
    /// </summary>
    private async Task<ReportScope> ScopeAsync(Actor actor, ReportFilter filter, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await guard.IsReaderAsync(db, actor, ct))
        {
            return new ReportScope(filter, null);
        }

        if (!await guard.IsActiveInRoleAsync(db, actor, Roles.Reseller, ct))
        {
            throw new AccessRefusedException(actor, What);
        }

        foreach (var reseller in new[] { filter.SubtreeOf, filter.ResellerId })
        {
            if (reseller is { Length: > 0 } && reseller != actor.UserId && !await ResellerTree.IsAncestorAsync(db, actor.UserId, reseller, ct))
            {
                throw new AccessRefusedException(actor, "the sales of a reseller outside their own tree");
            }
        }

        var scoped = filter.Copy();
        scoped.SubtreeOf = filter.SubtreeOf is { Length: > 0 } root ? root : actor.UserId;
        scoped.Provider = null;
        return new ReportScope(scoped, actor.UserId);
    }

    /// <summary>A reseller's own <see cref="LedgerKind.Commission"/> entries on <paramref name="recharges"/>.</summary>
    private static IQueryable<LedgerEntry> OwnCommission(PortalDbContext db, string resellerId, IQueryable<Recharge> recharges) =>
        from e in db.LedgerEntries.AsNoTracking()
        join w in db.Wallets on e.WalletId equals w.Id
        where w.UserId == resellerId && e.Kind == LedgerKind.Commission && e.RechargeId != null
              && recharges.Select(r => r.Id).Contains(e.RechargeId!.Value)
        select e;

    private static TransactionRow AsSeenByReseller(TransactionRow row, IReadOnlyDictionary<long, long> earned) =>
        row with { Commission = new Money(earned.GetValueOrDefault(row.Id)), Provider = null };

    /// <param name="ViewerId">The reseller reading, whose own earnings the commission shows; null for an admin or auditor.</param>
    private sealed record ReportScope(ReportFilter Filter, string? ViewerId);

    // ---- The system's reads: no actor, no check (bench-reports); the guarded reads above call them once checked ----

    internal async Task<IReadOnlyList<TransactionRow>> TransactionsForSystemAsync(
        ReportFilter filter, TransactionSort sort, bool descending, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var page = Sorted(Filtered(db, filter, await SubtreeAsync(db, filter, ct)), sort, descending).Skip(Math.Max(skip, 0)).Take(Math.Clamp(take, 1, MaxPageSize));
        return await Rows(db, page).ToListAsync(ct);
    }

    /// <summary>Totals over the whole filter, not a page.</summary>
    internal async Task<ReportTotals> TotalsForSystemAsync(ReportFilter filter, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        // By day, then added up here: a GROUP BY of a constant would make SQLite sort every row first.
        var days = await Aggregate(Filtered(db, filter, await SubtreeAsync(db, filter, ct), byBusinessDay: true), r => r.BusinessDay).ToListAsync(ct);
        return Sum(days.Select(d => d.Totals));
    }

    /// <summary>
    /// Every recharge the filter matches, oldest first, one at a time from the database: memory
    /// stays the same for ten rows or a million.
    /// </summary>
    internal async IAsyncEnumerable<TransactionRow> StreamForSystemAsync(
        ReportFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var all = Filtered(db, filter, await SubtreeAsync(db, filter, ct)).OrderBy(r => r.CreatedAtUtc).ThenBy(r => r.Id);
        await foreach (var row in Rows(db, all).AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return row;
        }
    }

    internal async Task<SummaryReport> SummaryForSystemAsync(ReportFilter filter, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        // One pass, grouped by a prefix of IX_Recharges_Day (day, provider, operator, reseller, status) so SQLite
        // never sorts, with plain counts and sums (cheaper per row than conditional ones); rolled up here.
        var cells = (await Filtered(db, filter, await SubtreeAsync(db, filter, ct), byBusinessDay: true)
                .GroupBy(r => new { r.BusinessDay, r.Provider, r.Operator, r.ResellerId, r.Status })
                .Select(g => new
                {
                    g.Key.BusinessDay,
                    g.Key.Provider,
                    g.Key.Operator,
                    g.Key.ResellerId,
                    g.Key.Status,
                    Count = g.Count(),
                    Amount = g.Sum(r => r.AmountPoisha),
                    Commission = g.Sum(r => r.CommissionPoisha),
                })
                .ToListAsync(ct))
            .Select(g => new Cell(g.BusinessDay, g.Provider, g.Operator, g.ResellerId, Totals(g.Status, g.Count, g.Amount, g.Commission)))
            .ToList();
        var byDay = cells.GroupBy(c => c.BusinessDay).ToDictionary(g => g.Key, g => Sum(g.Select(c => c.Totals)));
        var byOperator = cells.GroupBy(c => c.Operator).Select(g => (g.Key, Totals: Sum(g.Select(c => c.Totals)))).ToList();
        var byProvider = cells.GroupBy(c => c.Provider ?? "").Select(g => (g.Key, Totals: Sum(g.Select(c => c.Totals)))).ToList();
        var byReseller = cells.GroupBy(c => c.ResellerId).Select(g => (g.Key, Totals: Sum(g.Select(c => c.Totals)))).ToList();

        var resellerIds = byReseller.Select(a => a.Key).ToList();
        var names = await db.Users.Where(u => resellerIds.Contains(u.Id))
            .Select(u => new ResellerOption(u.Id, u.Email ?? "", u.FullName)).ToDictionaryAsync(u => u.Id, ct);

        var days = Enumerable.Range(0, filter.To.DayNumber - filter.From.DayNumber + 1)
            .Select(i => filter.From.AddDays(i))
            .Select(d => new SummaryRow(d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Localization.Display.Format(d, "ddd d MMM"), byDay.GetValueOrDefault(d, ReportTotals.None)))
            .ToList();
        return new SummaryReport(
            filter.From, filter.To, Sum(days.Select(d => d.Totals)), days,
            byOperator.Select(a => new SummaryRow(a.Key.ToString(), a.Key.ToString(), a.Totals)).OrderByDescending(r => r.Totals.Sales).ThenBy(r => r.Label).ToList(),
            byProvider.Select(a => new SummaryRow(a.Key, a.Key.Length == 0 ? Localization.Ui.Text("Not sent") : a.Key, a.Totals)).OrderByDescending(r => r.Totals.Sales).ThenBy(r => r.Label).ToList(),
            byReseller.Select(a => new SummaryRow(a.Key, names.TryGetValue(a.Key, out var n) ? n.Label : a.Key, a.Totals))
                .OrderByDescending(r => r.Totals.Sales).ThenBy(r => r.Label).ToList());
    }

    /// <summary>Per provider and Bangladesh day in the range: recorded sales against the provider's balance movement.</summary>
    internal async Task<IReadOnlyList<ReconciliationRow>> ReconciliationForSystemAsync(DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var fromUtc = DhakaTime.StartOfDayUtc(from);
        var toUtc = DhakaTime.StartOfDayUtc(to.AddDays(1));
        // Successful ones counted inside the sums, not filtered by status: a status filter tempts SQLite (without
        // ANALYZE statistics) onto the Status index, every success ever, then a sort; this reads IX_Recharges_Day's range.
        var sales = await db.Set<Recharge>()
            .Where(r => r.BusinessDay >= from && r.BusinessDay <= to && r.Provider != null)
            .GroupBy(r => new { r.BusinessDay, r.Provider })
            .Select(g => new
            {
                g.Key.Provider,
                g.Key.BusinessDay,
                Count = g.Count(r => r.Status == RechargeStatus.Succeeded),
                Amount = g.Sum(r => r.Status == RechargeStatus.Succeeded ? r.AmountPoisha : 0),
            })
            .ToListAsync(ct);
        var snapshots = db.Set<ProviderBalanceSnapshot>();
        var readings = await snapshots.Where(s => s.AtUtc >= fromUtc && s.AtUtc < toUtc)
            .Select(s => new { s.Provider, s.AtUtc, s.BalancePoisha }).ToListAsync(ct);

        var names = providers.All.Select(p => p.Name)
            .Concat(sales.Select(s => s.Provider!)).Concat(readings.Select(r => r.Provider))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var nowUtc = time.GetUtcNow().UtcDateTime;
        var rows = new List<ReconciliationRow>();
        foreach (var name in names)
        {
            // The balance as last read before the range began, then every reading inside it, in order.
            var before = await snapshots.Where(s => s.Provider == name && s.AtUtc < fromUtc)
                .OrderByDescending(s => s.AtUtc).ThenByDescending(s => s.Id).Select(s => (long?)s.BalancePoisha).FirstOrDefaultAsync(ct);
            var inRange = readings.Where(r => r.Provider == name).OrderBy(r => r.AtUtc).ToList();
            var balance = before;
            var next = 0;
            for (var day = from; day <= to; day = day.AddDays(1))
            {
                var opening = balance;
                var endUtc = DhakaTime.StartOfDayUtc(day.AddDays(1));
                while (next < inRange.Count && inRange[next].AtUtc < endUtc)
                {
                    balance = inRange[next++].BalancePoisha;
                }

                var sold = sales.FirstOrDefault(s => s.Provider == name && s.BusinessDay == day);
                rows.Add(new ReconciliationRow(
                    name, day, sold?.Count ?? 0, new Money(sold?.Amount ?? 0),
                    opening is { } o ? new Money(o) : null, balance is { } c ? new Money(c) : null,
                    DayInProgress: endUtc > nowUtc));
            }
        }

        return rows;
    }

    /// <param name="byBusinessDay">
    /// Pick the days by <see cref="Recharge.BusinessDay"/> (figures: IX_Recharges_Day) rather than by the
    /// UTC bounds of <c>CreatedAtUtc</c> (rows in time order: IX_Recharges_Report). The same recharges either way.
    /// </param>
    /// <param name="subtree">The resellers of <see cref="ReportFilter.SubtreeOf"/>'s subtree (<see cref="SubtreeAsync"/>), when it is set.</param>
    private static IQueryable<Recharge> Filtered(PortalDbContext db, ReportFilter filter, IReadOnlyCollection<string>? subtree, bool byBusinessDay = false)
    {
        if (filter.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join(" ", errors.Values), nameof(filter));
        }

        var query = db.Set<Recharge>().AsNoTracking();
        if (byBusinessDay)
        {
            var (from, to) = (filter.From, filter.To);
            query = query.Where(r => r.BusinessDay >= from && r.BusinessDay <= to);
        }
        else
        {
            var fromUtc = DhakaTime.StartOfDayUtc(filter.From);
            var toUtc = DhakaTime.StartOfDayUtc(filter.To.AddDays(1));
            query = query.Where(r => r.CreatedAtUtc >= fromUtc && r.CreatedAtUtc < toUtc);
        }

        if (filter.ResellerId is { Length: > 0 } reseller)
        {
            query = query.Where(r => r.ResellerId == reseller);
        }

        if (filter.SubtreeOf is { Length: > 0 })
        {
            var members = subtree ?? throw new InvalidOperationException("Resolve the subtree first.");
            query = query.Where(r => members.Contains(r.ResellerId));
        }

        if (filter.Operator is { } op)
        {
            query = query.Where(r => r.Operator == op);
        }

        if (filter.NumberType is { } type)
        {
            query = query.Where(r => r.NumberType == type);
        }

        if (filter.Provider is { Length: > 0 } provider)
        {
            query = query.Where(r => r.Provider == provider);
        }

        if (filter.Status is { Length: > 0 } status)
        {
            var statuses = RechargeStatusText.Matching(status);
            query = query.Where(r => statuses.Contains(r.Status));
        }

        if (filter.NumberDigits is { Length: 11 } whole)
        {
            // A whole number is an exact match: the (Number, CreatedAtUtc) index finds it without reading the range.
            query = query.Where(r => r.Number == whole);
        }
        else if (filter.NumberDigits is { Length: > 0 } digits)
        {
            query = query.Where(r => r.Number.Contains(digits));
        }

        return query;
    }

    /// <summary>The root of <see cref="ReportFilter.SubtreeOf"/> and everyone below it; null when the filter has none.</summary>
    private static async Task<IReadOnlyCollection<string>?> SubtreeAsync(PortalDbContext db, ReportFilter filter, CancellationToken ct) =>
        filter.SubtreeOf is { Length: > 0 } root
            ? [root, .. (await ResellerTree.DescendantsAsync(db, root, ct)).Select(d => d.Id)]
            : null;

    private static IQueryable<Recharge> Sorted(IQueryable<Recharge> query, TransactionSort sort, bool descending)
    {
        IOrderedQueryable<Recharge> ordered = sort switch
        {
            TransactionSort.Amount => By(query, r => r.AmountPoisha),
            TransactionSort.Commission => By(query, r => r.Status == RechargeStatus.Succeeded ? r.CommissionPoisha : 0),
            TransactionSort.Number => By(query, r => r.Number),
            TransactionSort.Operator => By(query, r => r.Operator),
            TransactionSort.Status => By(query, r => r.Status),
            TransactionSort.Provider => By(query, r => r.Provider),
            _ => By(query, r => r.CreatedAtUtc),
        };
        // Ties (and the time column itself) fall back to the order of placing, so paging is stable.
        return descending ? ordered.ThenByDescending(r => r.Id) : ordered.ThenBy(r => r.Id);

        IOrderedQueryable<Recharge> By<TKey>(IQueryable<Recharge> q, Expression<Func<Recharge, TKey>> key) =>
            descending ? q.OrderByDescending(key) : q.OrderBy(key);
    }

    private static IQueryable<TransactionRow> Rows(PortalDbContext db, IQueryable<Recharge> recharges) =>
        from r in recharges
        join u in db.Users on r.ResellerId equals u.Id into owners
        from u in owners.DefaultIfEmpty()
        select new TransactionRow(
            r.Id, r.Reference, r.CreatedAtUtc, u == null ? "" : u.Email ?? "", u == null ? "" : u.FullName, r.Number,
            r.Operator, r.NumberType, new Money(r.AmountPoisha), new Money(r.Status == RechargeStatus.Succeeded ? r.CommissionPoisha : 0),
            r.Status, r.Provider, r.OperatorTrxId, r.OfferPack, r.CompletedAtUtc);

    private static IQueryable<Aggregated<TKey>> Aggregate<TKey>(IQueryable<Recharge> recharges, Expression<Func<Recharge, TKey>> key) =>
        recharges.GroupBy(key).Select(g => new Aggregated<TKey>(
            g.Key,
            g.Count(),
            g.Count(r => r.Status == RechargeStatus.Succeeded),
            g.Count(r => r.Status == RechargeStatus.Failed),
            g.Sum(r => r.AmountPoisha),
            g.Sum(r => r.Status == RechargeStatus.Succeeded ? r.AmountPoisha : 0),
            g.Sum(r => r.Status == RechargeStatus.Succeeded ? r.CommissionPoisha : 0)));

    private static ReportTotals Sum(IEnumerable<ReportTotals> parts) => parts.Aggregate(ReportTotals.None, (a, b) => new ReportTotals(
        a.Count + b.Count, a.Succeeded + b.Succeeded, a.Failed + b.Failed, a.Amount + b.Amount, a.Sales + b.Sales, a.Commission + b.Commission));

    private sealed record Aggregated<TKey>(TKey Key, int Count, int Succeeded, int Failed, long Amount, long Sales, long Commission)
    {
        public ReportTotals Totals => new(Count, Succeeded, Failed, new Money(Amount), new Money(Sales), new Money(Commission));
    }

    /// <summary>The recharges of one day, provider, operator, reseller and status in the summary.</summary>
    private sealed record Cell(DateOnly BusinessDay, string? Provider, MobileOperator Operator, string ResellerId, ReportTotals Totals);

    /// <summary>Totals of <paramref name="count"/> recharges in one status: only successful ones are sales and earn commission.</summary>
    private static ReportTotals Totals(RechargeStatus status, int count, long amount, long commission)
    {
        var succeeded = status == RechargeStatus.Succeeded;
        return new ReportTotals(
            count, succeeded ? count : 0, status == RechargeStatus.Failed ? count : 0, new Money(amount),
            succeeded ? new Money(amount) : Money.Zero, succeeded ? new Money(commission) : Money.Zero);
    }
}
