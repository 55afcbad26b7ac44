using System.Globalization;
using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Features.Resellers;
using RechargePortal.Features.Wallets;
using RechargePortal.Localization;
using RechargePortal.Providers;
using RechargePortal.Providers.CallLog;
using RechargePortal.Security;

namespace RechargePortal.Features.Recharges;

public sealed record AttemptView(
    int Sequence, string Provider, string UpstreamReference, DateTime CreatedAtUtc, AttemptOutcome Outcome, string? OutcomeDetail, string? UpstreamTrxId,
    IReadOnlyList<CallRow> Calls);

/// <summary>A provider's later answer that contradicts a final recharge, as the review page shows it.</summary>
public sealed record ContradictionView(long Id, string Provider, string UpstreamReference, RechargeStatus BooksSay, string ProviderSays, bool ProviderSaysDelivered, DateTime AtUtc)
{
    /// <summary>What "Correct the money" does to the reseller's wallet: the recharge's net effect (amount less commission) put right, and the tree's margins.</summary>
    public string Effect(RechargeView r) => ProviderSaysDelivered
        ? Ui.Text("Takes {0} back from the reseller: the refund, less the commission a delivered recharge earns. Resellers above them are paid their margins.",
            Display.Money(-ReviewQueueService.CorrectionOf(r, ProviderSaysDelivered)))
        : Ui.Text("Gives {0} back to the reseller: the amount kept, less the commission already paid. Margins paid to resellers above them are taken back.",
            Display.Money(ReviewQueueService.CorrectionOf(r, ProviderSaysDelivered)));
}

/// <summary>Everything the review queue shows about one recharge.</summary>
public sealed record RechargeDetail(
    RechargeView Recharge, bool OutcomeKnown, DateTime? DeadlineUtc, DateTime? NextCheckAtUtc, int ChecksDone, DateTime? LastCheckAtUtc,
    string? LastCheckOutcome, string? ResolvedByEmail, string? ResolutionNote, IReadOnlyList<AttemptView> Attempts,
    string? LastError = null, ContradictionView? Contradiction = null);

/// <summary>
/// The admin's review queue: recharges without a final answer by their deadline, and final ones a
/// provider later contradicted. Every decision asks the provider first; money moves only through
/// <see cref="RechargeProcessor"/> (settling) or an audited correction entry.
/// </summary>
public sealed class ReviewQueueService(
    IDbContextFactory<PortalDbContext> dbs,
    RechargeProcessor processor,
    WalletService wallets,
    RechargeNotifier notifier,
    ActiveUserGuard guard,
    AdminActions actions,
    TimeProvider time)
{
    /// <summary>The field a decision is refused on when the provider's fresh answer is not final and the override is not ticked.</summary>
    public const string OverrideField = "Override";

    private static string NoteRequired => Ui.Text("Write why: what the provider or the customer confirmed.");

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Recharges in Needs review and those with an open contradiction, oldest first: for an active admin or auditor.</summary>
    public async Task<IReadOnlyList<RechargeDetail>> QueueAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await guard.DemandReaderAsync(db, actor, "the review queue", ct);
        var contradicted = db.Set<RechargeContradiction>().Where(c => c.Resolution == null).Select(c => c.RechargeId);
        var ids = await db.Set<Recharge>().Where(r => r.Status == RechargeStatus.NeedsReview || contradicted.Contains(r.Id))
            .OrderBy(r => r.Id).Select(r => r.Id).Take(200).ToListAsync(ct);
        var result = new List<RechargeDetail>();
        foreach (var id in ids)
        {
            if (await DetailAsync(db, id, ct) is { } detail)
            {
                result.Add(detail);
            }
        }

        return result;
    }

    /// <summary>Open contradictions: the admin dashboard counts them (a bare count, naming no one, so not guarded).</summary>
    public async Task<int> OpenContradictionsAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Set<RechargeContradiction>().CountAsync(c => c.Resolution == null, ct);
    }

    /// <summary>One recharge with its attempts and upstream calls: for an active admin or auditor.</summary>
    public async Task<RechargeDetail?> DetailAsync(Actor actor, long id, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await guard.DemandReaderAsync(db, actor, "a recharge's review detail", ct);
        return await DetailAsync(db, id, ct);
    }

    private static async Task<RechargeDetail?> DetailAsync(PortalDbContext db, long id, CancellationToken ct)
    {
        var view = await RechargeService.Views(db, db.Set<Recharge>().Where(r => r.Id == id), forStaff: true).SingleOrDefaultAsync(ct);
        var r = await db.Set<Recharge>().AsNoTracking().Include(x => x.Attempts).SingleOrDefaultAsync(x => x.Id == id, ct);
        if (view is null || r is null)
        {
            return null;
        }

        var references = r.Attempts.Select(a => a.UpstreamReference).ToList();
        var calls = await db.Set<UpstreamCall>().AsNoTracking().Where(c => c.Reference != null && references.Contains(c.Reference))
            .OrderBy(c => c.Id)
            .Select(c => new CallRow(c.Id, c.AtUtc, c.Provider, c.Operation, c.Reference, c.Request, c.HttpStatus, c.Reply, c.DurationMs, c.Outcome, c.IsError))
            .ToListAsync(ct);
        var attempts = r.Attempts.OrderBy(a => a.Sequence).Select(a => new AttemptView(
            a.Sequence, a.Provider, a.UpstreamReference, a.CreatedAtUtc, a.Outcome, a.OutcomeDetail, a.UpstreamTrxId,
            calls.Where(c => c.Reference == a.UpstreamReference).ToList())).ToList();
        var contradiction = await db.Set<RechargeContradiction>().AsNoTracking().Where(c => c.RechargeId == id && c.Resolution == null)
            .Select(c => new ContradictionView(c.Id, c.Provider, c.UpstreamReference, c.BooksSay, c.ProviderSays, c.ProviderSaysDelivered, c.AtUtc))
            .FirstOrDefaultAsync(ct);
        return new RechargeDetail(view, r.OutcomeKnown, r.DeadlineUtc, r.NextCheckAtUtc, r.ChecksDone, r.LastCheckAtUtc, r.LastCheckOutcome,
            r.ResolvedByEmail, r.ResolutionNote, attempts, r.LastError, contradiction);
    }

    public static string BeingCheckedMessage => Ui.Text("A status check is asking the provider about it right now: try again in a moment, when its answer is on the page.");

    /// <summary>Asks the provider now, whatever the schedule (the review page's "Check status now").</summary>
    public async Task<CheckOutcome?> CheckNowAsync(Actor admin, long id, CancellationToken ct = default)
    {
        if (!await IsActiveAdminAsync(admin, ct))
        {
            return null;
        }

        var outcome = await processor.CheckAsync(id, dueOnly: false, ct);
        await AuditAsync(admin, id, AuditActions.RechargeChecked, $"Status checked by hand: {outcome}", ct);
        return outcome;
    }

    /// <summary>
    /// An admin settles a recharge in review: successful (commission credited) or failed (hold
    /// refunded), with a note. The provider is asked first: a final answer is applied as the
    /// provider gave it; any other answer (pending, unclear, none) lets the admin decide only with
    /// <paramref name="overrideAnswer"/>. Happens once: a second decision changes nothing.
    /// </summary>
    public async Task<AdminResult> ResolveAsync(Actor admin, long id, bool successful, string? note, bool overrideAnswer = false, CancellationToken ct = default)
    {
        note = (note ?? "").Trim();
        if (NoteError(note) is { } noteError)
        {
            return noteError;
        }

        if (!await IsActiveAdminAsync(admin, ct))
        {
            return AdminResult.Fail(AdminActions.NotAllowed);
        }

        if (await StatusOfAsync(id, ct) is not { } before)
        {
            return AdminResult.Fail(Ui.Text("No such recharge."));
        }

        if (before != RechargeStatus.NeedsReview)
        {
            return AdminResult.Fail(Ui.Text("It is already {0}: nothing was changed.", Ui.Text(RechargeStatusText.For(before))));
        }

        // A fresh answer first: the provider's word, not an old page, decides whenever it has one.
        var fresh = await processor.CheckAsync(id, dueOnly: false, ct);
        var (status, lastAnswer) = await StatusAndAnswerAsync(id, ct);
        if (fresh == CheckOutcome.BeingChecked && status == RechargeStatus.NeedsReview)
        {
            // Deciding now could cross the answer that check is about to apply.
            return AdminResult.Fail(BeingCheckedMessage);
        }

        if (status is RechargeStatus.Succeeded or RechargeStatus.Failed)
        {
            string Message() => successful == (status == RechargeStatus.Succeeded)
                ? Ui.Text("The provider answered just now: {0}. That was applied.", Ui.Text(RechargeStatusText.For(status.Value)))
                : Ui.Text("The provider answered just now: {0}. That was applied, not your choice.", Ui.Text(RechargeStatusText.For(status.Value)));
            // The audit log is written in English whatever the admin reads.
            await AuditAsync(admin, id, AuditActions.RechargeChecked, $"Asked before resolving ({fresh}): {PortalLanguage.In(LanguageChoice.English, Message)}", ct);
            return AdminResult.Done(Message());
        }

        if (!overrideAnswer)
        {
            return AdminResult.FieldFail(OverrideField,
                Ui.Text("The provider's answer just now is not final ({0}). Decide against it only if you confirmed it yourself: tick the override.", lastAnswer ?? Ui.Text("no answer")));
        }

        return await actions.RunAsync(admin, async action =>
        {
            var db = action.Db;
            // The admin's decision claims the recharge as a status check does: refused while a check is asking, and no check can
            // start before it commits (a check claims only a recharge still in review).
            var claim = $"admin:{admin.UserId}/{Guid.NewGuid():N}";
            var now = action.NowUtc;
            var claimed = await db.Set<Recharge>()
                .Where(x => x.Id == id && x.Status == RechargeStatus.NeedsReview && (x.CheckClaimedUntilUtc == null || x.CheckClaimedUntilUtc <= now))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.CheckClaimedBy, claim).SetProperty(x => x.CheckClaimedUntilUtc, now.AddMinutes(1)), ct);
            var r = await RechargeProcessor.LoadAsync(db, id, ct);
            if (r is null || r.Status != RechargeStatus.NeedsReview)
            {
                return AdminResult.Fail(Ui.Text("It is already {0}: nothing was changed.", Ui.Text(r is null ? "gone" : RechargeStatusText.For(r.Status))));
            }

            if (claimed == 0)
            {
                return AdminResult.Fail(BeingCheckedMessage);
            }

            await RechargeProcessor.ReleaseCheckAsync(db, id, claim, ct);
            var recorded = $"{note} [override: the provider said {lastAnswer ?? "nothing"}]";
            if (successful)
            {
                await processor.SucceedAsync(db, r, null, action.NowUtc, ct);
            }
            else
            {
                await processor.FailAsync(db, r, $"Marked failed by an admin: {note}", RechargeWording.ResellerNotes.AdminFailed, action.NowUtc, ct);
            }

            r.RecordResolution(admin.Email, recorded);
            action.Audit(AuditActions.RechargeResolved, AuditTargets.Recharge, r.Id.ToString(CultureInfo.InvariantCulture), r.Reference,
                $"{(successful ? "Marked successful" : "Marked failed and refunded")} ({r.Amount} to {MobileNumber.Display(r.Number)}): {recorded}");
            var change = RechargeChange.Of(r);
            action.AfterCommit(() => notifier.Notify(change));
            return AdminResult.Ok;
        }, ct: ct);
    }

    /// <summary>
    /// Settles an open contradiction: <paramref name="correct"/> moves the money the provider's later
    /// answer calls for (one Adjustment entry on the reseller's wallet, refused beyond its balance);
    /// otherwise it is dismissed and nothing moves. Audited either way; happens once.
    /// </summary>
    public async Task<AdminResult> ResolveContradictionAsync(Actor admin, long contradictionId, bool correct, string? note, CancellationToken ct = default)
    {
        note = (note ?? "").Trim();
        if (NoteError(note) is { } noteError)
        {
            return noteError;
        }

        return await actions.RunAsync(admin, async action =>
        {
            var db = action.Db;
            var c = await db.Set<RechargeContradiction>().SingleOrDefaultAsync(x => x.Id == contradictionId, ct);
            if (c is null || !c.IsOpen)
            {
                return AdminResult.Fail(Ui.Text("This contradiction was already settled: nothing was changed."));
            }

            var r = await db.Set<Recharge>().AsNoTracking().SingleAsync(x => x.Id == c.RechargeId, ct);
            var amount = CorrectionOf(r.Amount, r.Commission, c.ProviderSaysDelivered);
            var margins = correct ? await MarginCorrectionsAsync(db, r, c.ProviderSaysDelivered, ct) : [];
            var marginText = margins.Count == 0 ? "" : $" and margins {string.Join(", ", margins.Select(m => $"{m.Email} {m.Signed}"))}";
            var audit = action.Audit(correct ? AuditActions.ContradictionCorrected : AuditActions.ContradictionDismissed, AuditTargets.Recharge,
                r.Id.ToString(CultureInfo.InvariantCulture), r.Reference,
                $"{(correct ? $"Corrected by {amount}{marginText}" : "Dismissed")}: books say {RechargeStatusText.For(c.BooksSay)}, {c.Provider} says {c.ProviderSays}. {note}");
            await db.SaveChangesAsync(ct);
            if (correct && amount.Poisha != 0)
            {
                var moved = await wallets.AdjustRechargeAsync(db, r.Id, amount, RechargeWording.CorrectionMemo(r.Reference, c.ProviderSaysDelivered), admin, audit.Id, ct);
                if (moved.Outcome != WalletOutcome.Applied)
                {
                    return AdminResult.Fail(moved.Outcome == WalletOutcome.InsufficientBalance
                        ? Ui.Text("The reseller's wallet holds only {0}; the correction needs {1}. Nothing was changed.", Display.Money(moved.BalanceAfter), Display.Money(-amount))
                        : moved.Error ?? Ui.Text("The wallet refused the correction. Nothing was changed."));
                }
            }

            // A failure pays nobody and a delivery pays the whole tree: the margins above the placer follow the correction,
            // in the same transaction (a refusal of any of them rolls back the placer's too).
            foreach (var margin in margins)
            {
                var moved = await wallets.AdjustRechargeAsync(db, r.Id, margin.Signed,
                    ResellerWording.MarginCorrectionMemo(r.Reference, c.ProviderSaysDelivered), admin, audit.Id, ct, margin.WalletId);
                if (moved.Outcome != WalletOutcome.Applied)
                {
                    return AdminResult.Fail(moved.Outcome == WalletOutcome.InsufficientBalance
                        ? Ui.Text("{0}'s wallet holds only {1}; taking back their margin needs {2}. Nothing was changed.", margin.Email, Display.Money(moved.BalanceAfter), Display.Money(-margin.Signed))
                        : moved.Error ?? Ui.Text("A wallet above the reseller refused the correction. Nothing was changed."));
                }
            }

            c.Resolve(correct ? ContradictionResolution.Corrected : ContradictionResolution.Dismissed, admin.Email, note, action.NowUtc);
            var change = RechargeChange.Of(r);
            action.AfterCommit(() => notifier.Notify(change));
            return AdminResult.Ok;
        }, ct: ct);
    }

    /// <summary>
    /// The margins of the resellers above the placer that a correction puts right: when nothing was delivered, each margin
    /// paid is taken back; when it was delivered after all, each is paid as it would have been at success.
    /// </summary>
    private static async Task<IReadOnlyList<MarginCorrection>> MarginCorrectionsAsync(PortalDbContext db, Recharge r, bool delivered, CancellationToken ct)
    {
        if (!delivered)
        {
            var paid = await (
                    from e in db.LedgerEntries.AsNoTracking()
                    join w in db.Wallets on e.WalletId equals w.Id
                    where e.RechargeId == r.Id && e.Kind == LedgerKind.Commission && w.UserId != r.ResellerId
                    orderby e.Id
                    select new { e.WalletId, w.User!.Email, e.AmountPoisha })
                .ToListAsync(ct);
            return paid.Where(p => p.AmountPoisha > 0).Select(p => new MarginCorrection(p.WalletId, p.Email ?? "", new Money(-p.AmountPoisha))).ToList();
        }

        var chain = await Commissions.CommissionTree.ChainAsync(db, r.ResellerId, ct);
        var shares = Commissions.CommissionTree.Shares(chain, r.Operator, r.NumberType, r.Amount, r.PackCommissionPoisha is { } pack ? new Money(pack) : null);
        return Enumerable.Range(1, Math.Max(chain.Count - 1, 0))
            .Where(level => shares[level].IsPositive)
            .Select(level => new MarginCorrection(chain[level].WalletId, chain[level].Email, shares[level]))
            .ToList();
    }

    private sealed record MarginCorrection(long WalletId, string Email, Money Signed);

    /// <summary>The signed wallet change that makes a final recharge's money match the provider's later answer.</summary>
    public static Money CorrectionOf(RechargeView r, bool providerSaysDelivered) => CorrectionOf(r.Amount, r.Commission, providerSaysDelivered);

    private static Money CorrectionOf(Money amount, Money commission, bool providerSaysDelivered) =>
        providerSaysDelivered ? -(amount - commission) : amount - commission;

    /// <summary>Every decision carries a note a later reader can act on.</summary>
    private static AdminResult? NoteError(string note) =>
        note.Length == 0 ? AdminResult.FieldFail("Note", NoteRequired)
        : note.Length > Recharge.MaxNoteLength ? AdminResult.FieldFail("Note", Ui.Text("Use at most {0} characters.", Display.Number(Recharge.MaxNoteLength)))
        : null;

    private async Task<bool> IsActiveAdminAsync(Actor admin, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await guard.IsActiveInRoleAsync(db, admin, Roles.Admin, ct);
    }

    private async Task<RechargeStatus?> StatusOfAsync(long id, CancellationToken ct) => (await StatusAndAnswerAsync(id, ct)).Status;

    private async Task<(RechargeStatus? Status, string? LastAnswer)> StatusAndAnswerAsync(long id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.Set<Recharge>().Where(r => r.Id == id).Select(r => new { r.Status, r.LastCheckOutcome }).SingleOrDefaultAsync(ct);
        return (row?.Status, row?.LastCheckOutcome);
    }

    private async Task AuditAsync(Actor admin, long id, string action, string details, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var reference = await db.Set<Recharge>().Where(r => r.Id == id).Select(r => r.Reference).SingleOrDefaultAsync(ct);
        db.Add(AuditEntry.Create(Now, admin.UserId, admin.Email, action, AuditTargets.Recharge, id.ToString(CultureInfo.InvariantCulture), reference, details));
        await db.SaveChangesAsync(ct);
    }
}
