using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Linq.Expressions;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RechargePortal.Data;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Offers;
using RechargePortal.Features.Operations;
using RechargePortal.Features.Resellers;
using RechargePortal.Features.Wallets;
using RechargePortal.Jobs;
using RechargePortal.Providers;
using RechargePortal.Providers.Routing;

namespace RechargePortal.Features.Recharges;

/// <summary>What one status check did.</summary>
public enum CheckOutcome
{
    /// <summary>Final, or not sent yet: nothing to ask.</summary>
    NothingToCheck,
    /// <summary>Its next check is not due yet (a job ran early or twice).</summary>
    NotDue,
    StillPending,
    MovedToReview,
    Succeeded,
    Failed,
    /// <summary>Another worker changed it while this one asked: this answer was not applied (a contradiction is recorded).</summary>
    Raced,
    /// <summary>Another worker (on this instance or another) is asking the provider about it right now: nothing was asked.</summary>
    BeingChecked,
}

/// <param name="Resumed">Sends left between a safe refusal and the next provider (the app stopped there), taken up again.</param>
/// <param name="LateChecked">Final recharges given their one late status check.</param>
/// <param name="Errors">Recharges whose processing threw; logged and recorded on each, the others went on.</param>
public sealed record SweepReport(int UnsentFailed, int AbandonedSubmissions, int Checked, int Resumed = 0, int LateChecked = 0, int Errors = 0);

/// <summary>
/// Moves recharges through their lifecycle (<c>shared/design/recharge-lifecycle.md</c>): sends them
/// through the operator's route, asks providers for the end state, refunds or pays commission.
/// Every move re-reads the recharge inside a write-locked transaction and lets its state decide,
/// so a job that runs twice, or two workers on one recharge, change it once. No upstream call is
/// made inside a transaction, and the upstream reference is committed before it is sent.
/// A status check first claims the recharge (<see cref="Recharge.CheckClaimedBy"/>, a lease in the row), so the
/// scheduled job, the sweeper, an admin's "Check status now" and every other instance never ask about one recharge at
/// the same time; a claim left by a dead instance lapses and the next sweep takes the recharge.
/// </summary>
public sealed class RechargeProcessor(
    IDbContextFactory<PortalDbContext> dbs,
    ProviderRegistry providers,
    RoutingService routing,
    WalletService wallets,
    RechargeNotifier notifier,
    IBackgroundJobClient jobs,
    IOptions<RechargeOptions> options,
    IOptions<ProvidersOptions> providerOptions,
    TimeProvider time,
    PortalInstance instance,
    ILogger<RechargeProcessor> logger)
{
    /// <summary>A recharge created but never sent is failed (and refunded) after this.</summary>
    public static readonly TimeSpan UnsentAfter = TimeSpan.FromMinutes(1);

    /// <summary>Added to a provider's timeout before a submission without a recorded reply counts as abandoned.</summary>
    public static readonly TimeSpan AbandonMargin = TimeSpan.FromSeconds(60);

    /// <summary>A check this close to its due time counts as due.</summary>
    private static readonly TimeSpan DueTolerance = TimeSpan.FromSeconds(2);

    /// <summary>A recharge in review is asked again this often: a late final answer settles it without a person.</summary>
    public static readonly TimeSpan ReviewRecheck = TimeSpan.FromMinutes(15);

    /// <summary>How long a recharge whose status check threw waits before it is tried again.</summary>
    public static readonly TimeSpan FailingCheckRetry = TimeSpan.FromMinutes(5);

    /// <summary>A final recharge gets its one late status check this long after it settled, within a day.</summary>
    public static readonly TimeSpan LateCheckAfter = TimeSpan.FromHours(1);

    public static readonly TimeSpan LateCheckWindow = TimeSpan.FromDays(1);

    /// <summary>Status checks a sweep reads from the database at a time.</summary>
    private const int SweepBatch = 1000;

    /// <summary>A sweep stops taking new batches after this: well inside its job's 5-minute lock (the next sweep goes on).</summary>
    private static readonly TimeSpan SweepDrainLimit = TimeSpan.FromMinutes(4);

    private readonly SemaphoreSlim checkSlots = new(options.Value.MaxConcurrentChecks);
    private readonly ConcurrentDictionary<long, Task> dispatching = new();

    private RechargeOptions Options => options.Value;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Sends in the background (the page shows progress live); see <see cref="WhenDispatchedAsync"/>.</summary>
    public void StartDispatch(long rechargeId) =>
        dispatching.GetOrAdd(rechargeId, id => Task.Run(async () =>
        {
            try
            {
                await DispatchAsync(id);
            }
            catch (Exception e)
            {
                // The sweeper finds it in Created or Submitting and settles it safely.
                logger.LogError(e, "Sending recharge {RechargeId} stopped; the sweeper will settle it.", id);
            }
            finally
            {
                dispatching.TryRemove(id, out _);
            }
        }));

    /// <summary>Waits for background sends (shutdown, tests).</summary>
    public Task WhenDispatchedAsync() => Task.WhenAll(dispatching.Values);

    /// <summary>
    /// Sends a recharge through its operator's route: a new attempt (reference committed first) per
    /// provider, moving on only after a definite refusal that is safe elsewhere.
    /// </summary>
    public async Task DispatchAsync(long rechargeId, CancellationToken ct = default)
    {
        while (true)
        {
            var sending = await InTransactionAsync(async db =>
            {
                var r = await LoadAsync(db, rechargeId, ct);
                var mayAttempt = r is not null && (r.Status == RechargeStatus.Created
                    || (r.Status == RechargeStatus.Submitting && r.CurrentAttempt?.Outcome == AttemptOutcome.Rejected));
                if (!mayAttempt)
                {
                    return null;
                }

                var tried = r!.Attempts.Select(a => a.Provider).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var route = await routing.ActiveRouteAsync(db, r.Operator, ct);
                if (r.OfferPack is not null)
                {
                    // The amount buys a pack at the providers that list it (elsewhere it would be plain balance), and the pack
                    // chosen is the one its provider listed: another's pack of the same price may differ.
                    var listing = await OfferPackService.ListedByAsync(db, r.Operator, r.NumberType, r.Amount, ct);
                    route = route.Where(p => listing.Contains(p, StringComparer.OrdinalIgnoreCase)
                        && (r.OfferPackProvider is null || string.Equals(p, r.OfferPackProvider, StringComparison.OrdinalIgnoreCase))).ToList();
                }

                var next = route.FirstOrDefault(p => !tried.Contains(p));
                var now = Now;
                if (next is null)
                {
                    var reason = r.Attempts.Count == 0
                        ? $"No provider is serving {r.Operator} right now."
                        : $"Refused by {string.Join(", ", tried)}: {r.StatusReason}";
                    await FailAsync(db, r, reason, r.Attempts.Count == 0 ? RechargeWording.ResellerNotes.NoProvider : RechargeWording.ResellerNotes.Refused, now, ct);
                    return null;
                }

                var attempt = r.BeginAttempt(next, RechargeWording.UpstreamReference(now, r.Id, r.Attempts.Count + 1), now);
                await db.SaveChangesAsync(ct);
                return new Sending(r.ResellerId, attempt.Id, next,
                    new RechargeRequest(r.Operator, r.NumberType, r.Number, r.AmountPoisha, attempt.UpstreamReference));
            }, rechargeId, ct);
            if (sending is null)
            {
                return;
            }

            notifier.Notify(new RechargeChange(rechargeId, sending.ResellerId, RechargeStatus.Submitting));
            // Not the caller's token: once sent, the reply must be recorded even if the page closed.
            var result = await providers.Get(sending.Provider).SubmitAsync(sending.Request, CancellationToken.None);
            var tryNext = await InTransactionAsync(async db =>
            {
                var r = await LoadAsync(db, rechargeId, ct);
                var attempt = r?.Attempts.SingleOrDefault(a => a.Id == sending.AttemptId);
                if (r is null || attempt is null || attempt.Outcome != AttemptOutcome.Pending || r.Status != RechargeStatus.Submitting)
                {
                    // The sweeper already treated it as unknown: the status query settles it; the reply is in the call log.
                    logger.LogWarning("Late reply for recharge {RechargeId} from {Provider}: {Result}", rechargeId, sending.Provider, result);
                    return false;
                }

                var now = Now;
                switch (result)
                {
                    case SubmitResult.Accepted accepted:
                        r.MarkAccepted(attempt, accepted.UpstreamTrxId, now, now + Options.BackoffAfter(0), now.AddMinutes(Options.DeadlineMinutes));
                        break;
                    case SubmitResult.Unknown unknown:
                        r.MarkOutcomeUnknown(attempt, unknown.Why, now, now + Options.BackoffAfter(0), now.AddMinutes(Options.DeadlineMinutes));
                        break;
                    case SubmitResult.Rejected { TriedElsewhereIsSafe: true } rejected:
                        r.MarkRejected(attempt, rejected.Reason, now);
                        await db.SaveChangesAsync(ct);
                        return true;
                    case SubmitResult.Rejected rejected:
                        r.MarkRejected(attempt, rejected.Reason, now);
                        await FailAsync(db, r, $"Refused by {sending.Provider}: {rejected.Reason}", RechargeWording.ResellerNotes.Refused, now, ct);
                        return false;
                }

                await db.SaveChangesAsync(ct);
                return false;
            }, rechargeId, ct);
            if (!tryNext)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Asks the provider for the end state of a recharge in flight and applies a definite answer.
    /// <paramref name="dueOnly"/>: skip unless its next check is due (jobs); false for "Check status now".
    /// </summary>
    public async Task<CheckOutcome> CheckAsync(long rechargeId, bool dueOnly, CancellationToken ct = default)
    {
        await checkSlots.WaitAsync(ct);
        try
        {
            Recharge? seen;
            await using (var db = await dbs.CreateDbContextAsync(ct))
            {
                seen = await db.Set<Recharge>().AsNoTracking().Include(r => r.Attempts).SingleOrDefaultAsync(r => r.Id == rechargeId, ct);
            }

            if (seen is null || seen.Status is not (RechargeStatus.Processing or RechargeStatus.NeedsReview) || seen.CurrentAttempt is not { } asked)
            {
                return CheckOutcome.NothingToCheck;
            }

            // Hangfire keeps schedule times in whole seconds, so a scheduled check may start a moment early.
            if (dueOnly && (seen.NextCheckAtUtc is not { } due || due > Now + DueTolerance))
            {
                return CheckOutcome.NotDue;
            }

            // Claimed only while it still needs the answer: a worker that finished meanwhile moved it on.
            var dueBy = Now + DueTolerance;
            if (await ClaimCheckAsync(rechargeId, asked.Provider, 1,
                    r => (r.Status == RechargeStatus.Processing || r.Status == RechargeStatus.NeedsReview) && (!dueOnly || r.NextCheckAtUtc <= dueBy), ct)
                is not { } claim)
            {
                return CheckOutcome.BeingChecked;
            }

            StatusResult status;
            try
            {
                status = await AskAsync(asked);
            }
            catch
            {
                await ReleaseCheckAsync(rechargeId, claim);
                throw;
            }

            return await InClaimedTransactionAsync(rechargeId, claim, async db =>
            {
                var r = await LoadAsync(db, rechargeId, ct);
                if (r is null || r.CurrentAttempt?.Id != asked.Id)
                {
                    return CheckOutcome.Raced;
                }

                var now = Now;
                if (r.IsFinal)
                {
                    // Settled meanwhile (an admin, another check): an answer that says otherwise must reach a person.
                    await NoteContradictionAsync(db, r, asked, status, now, ct);
                    return CheckOutcome.Raced;
                }

                if (r.Status is not (RechargeStatus.Processing or RechargeStatus.NeedsReview))
                {
                    return CheckOutcome.Raced;
                }

                // A send whose outcome is unknown may still arrive: "failed" or "not found" is believed only after the grace period.
                var believable = r.OutcomeKnown || now >= asked.CreatedAtUtc.AddMinutes(Options.NotFoundGraceMinutes);
                switch (status)
                {
                    case StatusResult.Succeeded succeeded:
                        await SucceedAsync(db, r, succeeded.OperatorTrxId, now, ct);
                        return CheckOutcome.Succeeded;
                    case StatusResult.Failed failed when believable:
                        await FailAsync(db, r, $"{asked.Provider} reports it failed: {failed.Reason}", RechargeWording.ResellerNotes.OperatorFailed, now, ct);
                        return CheckOutcome.Failed;
                    case StatusResult.NotFound when !r.OutcomeKnown && believable:
                        await FailAsync(db, r, $"It never reached {asked.Provider} (no such recharge there {Options.NotFoundGraceMinutes} minutes after sending).",
                            RechargeWording.ResellerNotes.NeverArrived, now, ct);
                        return CheckOutcome.Failed;
                }

                if (r.Version != seen.Version)
                {
                    // Another check recorded an answer meanwhile; counting this one too would skip a backoff step.
                    return CheckOutcome.Raced;
                }

                var wasInReview = r.Status == RechargeStatus.NeedsReview;
                r.RecordCheck(Describe(status, believable), now, now + Options.BackoffAfter(r.ChecksDone + 1), now + ReviewRecheck);
                await db.SaveChangesAsync(ct);
                return r.Status == RechargeStatus.NeedsReview && !wasInReview ? CheckOutcome.MovedToReview : CheckOutcome.StillPending;
            }, ct);
        }
        finally
        {
            checkSlots.Release();
        }
    }

    /// <summary>
    /// The one late status check of a final recharge (a vendor may flip a failure to success, or
    /// reverse a success): the answer is compared with the books and a contradiction is recorded for
    /// a person. Nothing else changes. True when a contradiction was recorded.
    /// </summary>
    public async Task<bool> LateCheckAsync(long rechargeId, CancellationToken ct = default)
    {
        Recharge? seen;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            seen = await db.Set<Recharge>().AsNoTracking().Include(r => r.Attempts).SingleOrDefaultAsync(r => r.Id == rechargeId, ct);
        }

        if (seen is null || !seen.IsFinal || seen.LateCheckedAtUtc is not null)
        {
            return false;
        }

        // A success is the current attempt's; for a failure any attempt may have gone through after all.
        var ask = seen.Status == RechargeStatus.Succeeded ? [seen.CurrentAttempt!] : seen.Attempts.OrderBy(a => a.Sequence).ToList();
        var answers = new List<(long AttemptId, StatusResult Answer)>();
        string claim;
        await checkSlots.WaitAsync(ct);
        try
        {
            // A recharge failed before it was ever sent has nothing to ask: the claim is still taken, so the mark is made once.
            if (await ClaimCheckAsync(rechargeId, ask.FirstOrDefault()?.Provider, ask.Count, r => r.LateCheckedAtUtc == null, ct) is not { } claimed)
            {
                return false;
            }

            claim = claimed;
            try
            {
                foreach (var attempt in ask)
                {
                    answers.Add((attempt.Id, await AskAsync(attempt)));
                }
            }
            catch
            {
                await ReleaseCheckAsync(rechargeId, claim);
                throw;
            }
        }
        finally
        {
            checkSlots.Release();
        }

        return await InClaimedTransactionAsync(rechargeId, claim, async db =>
        {
            var r = await LoadAsync(db, rechargeId, ct);
            if (r is null || r.LateCheckedAtUtc is not null)
            {
                return false;
            }

            var now = Now;
            var found = false;
            foreach (var (attemptId, answer) in answers)
            {
                found |= await NoteContradictionAsync(db, r, r.Attempts.Single(a => a.Id == attemptId), answer, now, ct);
            }

            r.MarkLateChecked(now);
            await db.SaveChangesAsync(ct);
            return found;
        }, ct);
    }

    /// <summary>
    /// Takes the right to ask the provider about a recharge, in one conditional update: granted when nobody holds it or
    /// the holder's lease lapsed (it died), and only while <paramref name="stillNeeded"/> holds. Null: another worker is
    /// asking now, or finished and moved it on. The lease covers the asks with their
    /// retries, so a live worker keeps it; an answer applied after a lapse is still state-guarded like any other.
    /// </summary>
    private async Task<string?> ClaimCheckAsync(long rechargeId, string? provider, int asks, Expression<Func<Recharge, bool>> stillNeeded, CancellationToken ct)
    {
        var now = Now;
        var until = now + LeaseFor(provider, asks);
        var by = $"{instance.Id}/{Guid.NewGuid():N}";
        by = by.Length <= 200 ? by : by[^200..];
        await using var db = await dbs.CreateDbContextAsync(ct);
        var claimed = await db.Set<Recharge>()
            .Where(r => r.Id == rechargeId && (r.CheckClaimedUntilUtc == null || r.CheckClaimedUntilUtc <= now))
            .Where(stillNeeded)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CheckClaimedBy, by).SetProperty(r => r.CheckClaimedUntilUtc, until), ct);
        return claimed == 1 ? by : null;
    }

    /// <summary>
    /// Records what a claimed check learned: the claim is given back in the same transaction (one commit; only this
    /// worker's, should a lapsed one have been taken meanwhile), or on its own if that transaction does not commit.
    /// </summary>
    private async Task<T> InClaimedTransactionAsync<T>(long rechargeId, string claim, Func<PortalDbContext, Task<T>> act, CancellationToken ct)
    {
        var committed = false;
        try
        {
            var result = await InTransactionAsync(async db =>
            {
                await ReleaseCheckAsync(db, rechargeId, claim, ct);
                return await act(db);
            }, rechargeId, ct);
            committed = true;
            return result;
        }
        finally
        {
            if (!committed)
            {
                await ReleaseCheckAsync(rechargeId, claim);
            }
        }
    }

    /// <summary>Gives the claim back on its own (only this worker's: a lapsed one taken by another stays theirs). If this fails, the lease lapses.</summary>
    private async Task ReleaseCheckAsync(long rechargeId, string claim)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync();
            await ReleaseCheckAsync(db, rechargeId, claim, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not release the status-check claim on recharge {RechargeId}; it lapses on its own.", rechargeId);
        }
    }

    /// <summary>Gives the claim back in the caller's transaction (with the answer it records), only if it is still this worker's.</summary>
    internal static Task<int> ReleaseCheckAsync(PortalDbContext db, long rechargeId, string claim, CancellationToken ct) =>
        db.Set<Recharge>().Where(r => r.Id == rechargeId && r.CheckClaimedBy == claim)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CheckClaimedBy, (string?)null).SetProperty(r => r.CheckClaimedUntilUtc, (DateTime?)null), ct);

    /// <summary>How long a status-check claim lasts: every ask with its retries timing out, plus a margin.</summary>
    internal TimeSpan LeaseFor(string? provider, int asks)
    {
        var account = providerOptions.Value.Accounts.FirstOrDefault(a => string.Equals(a.Name, provider, StringComparison.OrdinalIgnoreCase));
        var perAsk = TimeSpan.FromSeconds((account?.TimeoutSeconds ?? 30) * (1 + (account?.QueryRetries ?? 2)) + 5);
        return perAsk * Math.Max(1, asks) + AbandonMargin;
    }

    private async Task<StatusResult> AskAsync(RechargeAttempt attempt) =>
        providers.Find(attempt.Provider) is { } provider
            ? await provider.QueryStatusAsync(attempt.UpstreamReference, CancellationToken.None)
            : new StatusResult.Unknown($"{attempt.Provider} is no longer configured");

    /// <summary>Records, once, a provider's final answer that says the opposite of a final recharge's books.</summary>
    private async Task<bool> NoteContradictionAsync(PortalDbContext db, Recharge r, RechargeAttempt asked, StatusResult answer, DateTime now, CancellationToken ct)
    {
        var kept = r.Status == RechargeStatus.Succeeded;
        (bool Delivered, string Says)? contradiction = answer switch
        {
            StatusResult.Succeeded s when !kept => (true, $"Succeeded{(s.OperatorTrxId is null ? "" : $" ({s.OperatorTrxId})")}"),
            StatusResult.Failed f when kept => (false, $"Failed: {f.Reason}"),
            StatusResult.NotFound when kept => (false, "Not found: the provider no longer knows it"),
            _ => null,
        };
        if (contradiction is not { } c || !r.IsFinal
            || await db.Set<RechargeContradiction>().AnyAsync(x => x.RechargeId == r.Id && x.Resolution == null, ct))
        {
            return false;
        }

        db.Add(RechargeContradiction.Record(r, asked, c.Delivered, c.Says, now));
        await db.SaveChangesAsync(ct);
        logger.LogWarning("Recharge {Reference} is {Status} but {Provider} now says {Answer}: raised for review.", r.Reference, r.Status, asked.Provider, c.Says);
        return true;
    }

    /// <summary>
    /// What the recurring job runs: fails recharges the app never sent (it stopped first), treats
    /// sends without a recorded reply as unknown, takes up sends left after a safe refusal, checks
    /// every recharge whose check is due (in review too), and gives recent final ones their late
    /// check. One recharge that throws is logged and recorded on it; the others go on.
    /// </summary>
    public async Task<SweepReport> SweepAsync(CancellationToken ct = default)
    {
        var now = Now;
        List<long> unsent, submitting, resumable;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var unsentBefore = now - UnsentAfter;
            unsent = await db.Set<Recharge>().Where(r => r.Status == RechargeStatus.Created && r.CreatedAtUtc < unsentBefore)
                .Select(r => r.Id).ToListAsync(ct);
            var sentBefore = now - AbandonMargin;
            var candidates = await db.Set<Recharge>()
                .Where(r => r.Status == RechargeStatus.Submitting && r.SubmittedAtUtc < sentBefore && r.Attempts.Any(a => a.Outcome == AttemptOutcome.Pending))
                .Select(r => new { r.Id, r.Provider, r.SubmittedAtUtc }).ToListAsync(ct);
            submitting = candidates.Where(c => c.SubmittedAtUtc < now - AbandonMargin - TimeoutOf(c.Provider)).Select(c => c.Id).ToList();
            // Every attempt definitely refused, yet no next one for a while: the app stopped between the two.
            resumable = await db.Set<Recharge>()
                .Where(r => r.Status == RechargeStatus.Submitting && r.UpdatedAtUtc < sentBefore && r.Attempts.All(a => a.Outcome == AttemptOutcome.Rejected))
                .Select(r => r.Id).ToListAsync(ct);
        }

        int failed = 0, abandoned = 0, resumed = 0, checkedCount = 0, errors = 0;
        foreach (var id in unsent)
        {
            await IsolatedAsync(id, "Failing an unsent recharge", async () => failed += await FailUnsentAsync(id, ct) ? 1 : 0);
        }

        foreach (var id in submitting)
        {
            await IsolatedAsync(id, "Marking a send without reply unknown", async () => abandoned += await MarkAbandonedAsync(id, ct) ? 1 : 0);
        }

        foreach (var id in resumable)
        {
            await IsolatedAsync(id, "Resuming a refused send", async () =>
            {
                await DispatchAsync(id, ct);
                resumed++;
            });
        }

        // Batch after batch until nothing new is due (a backlog after an outage or a restart is worked off in one sweep,
        // not a batch a minute); a recharge is asked at most once per sweep, so one that keeps failing cannot hold it.
        var asked = new HashSet<long>();
        var draining = Stopwatch.StartNew();
        while (draining.Elapsed < SweepDrainLimit)
        {
            List<long> due;
            var dueBy = Now;
            await using (var db = await dbs.CreateDbContextAsync(ct))
            {
                due = await db.Set<Recharge>()
                    .Where(r => (r.Status == RechargeStatus.Processing || r.Status == RechargeStatus.NeedsReview) && r.NextCheckAtUtc <= dueBy
                        && (r.CheckClaimedUntilUtc == null || r.CheckClaimedUntilUtc <= dueBy))
                    .OrderBy(r => r.NextCheckAtUtc).Select(r => r.Id).Take(SweepBatch + asked.Count).ToListAsync(ct);
            }

            var fresh = due.Where(asked.Add).Take(SweepBatch).ToList();
            if (fresh.Count == 0)
            {
                break;
            }

            await Parallel.ForEachAsync(fresh, new ParallelOptions { MaxDegreeOfParallelism = Options.MaxConcurrentChecks, CancellationToken = ct }, async (id, token) =>
                await IsolatedAsync(id, "Status check", async () =>
                {
                    if (await CheckAsync(id, dueOnly: true, token) is not (CheckOutcome.NotDue or CheckOutcome.NothingToCheck or CheckOutcome.BeingChecked))
                    {
                        Interlocked.Increment(ref checkedCount);
                    }
                }, afterError: () => DeferFailingCheckAsync(id)));
        }

        var lateChecked = 0;
        List<long> late;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var settledBefore = now - LateCheckAfter;
            var settledSince = now - LateCheckWindow;
            late = await db.Set<Recharge>()
                .Where(r => r.LateCheckedAtUtc == null && r.CompletedAtUtc != null && r.CompletedAtUtc <= settledBefore && r.CompletedAtUtc >= settledSince)
                .OrderBy(r => r.CompletedAtUtc).Select(r => r.Id).Take(500).ToListAsync(ct);
        }

        await Parallel.ForEachAsync(late, new ParallelOptions { MaxDegreeOfParallelism = Options.MaxConcurrentChecks, CancellationToken = ct }, async (id, token) =>
            await IsolatedAsync(id, "Late status check", async () =>
            {
                await LateCheckAsync(id, token);
                Interlocked.Increment(ref lateChecked);
            }));

        return new SweepReport(failed, abandoned, checkedCount, resumed, lateChecked, errors);

        async Task IsolatedAsync(long id, string what, Func<Task> act, Func<Task>? afterError = null)
        {
            try
            {
                await act();
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref errors);
                logger.LogError(e, "{What} of recharge {RechargeId} failed; the sweep goes on with the others.", what, id);
                await RecordErrorAsync(id, $"{what}: {e.GetType().Name}: {e.Message}");
                if (afterError is not null)
                {
                    await afterError();
                }
            }
        }
    }

    /// <summary>
    /// A recharge whose status check throws (a row the code cannot read, a bug) is not asked again at every sweep, and does not
    /// stay in Processing for ever: it waits <see cref="FailingCheckRetry"/> before the next try, and past its deadline it goes
    /// to review for a person, as a recharge without a final answer does. Written without loading the recharge (which may be
    /// what throws), so this move owes no API callback (the client hears when it settles); the version moves, so a worker
    /// holding the row loses its race instead of overwriting this.
    /// </summary>
    private async Task DeferFailingCheckAsync(long rechargeId)
    {
        try
        {
            var now = Now;
            var retry = now + FailingCheckRetry;
            await using var db = await dbs.CreateDbContextAsync();
            await db.Set<Recharge>()
                .Where(r => r.Id == rechargeId && r.Status == RechargeStatus.Processing && r.DeadlineUtc != null && r.DeadlineUtc <= now)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, RechargeStatus.NeedsReview)
                    .SetProperty(r => r.StatusReason, "Its status checks keep failing in the portal (see the last error), and its deadline has passed")
                    .SetProperty(r => r.ResellerNote, RechargeWording.ResellerNotes.InReview)
                    .SetProperty(r => r.UpdatedAtUtc, now)
                    .SetProperty(r => r.Version, r => r.Version + 1));
            await db.Set<Recharge>()
                .Where(r => r.Id == rechargeId && (r.Status == RechargeStatus.Processing || r.Status == RechargeStatus.NeedsReview) && r.NextCheckAtUtc < retry)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.NextCheckAtUtc, retry).SetProperty(r => r.Version, r => r.Version + 1));
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not put back the failing status check of recharge {RechargeId}.", rechargeId);
        }
    }

    /// <summary>Puts the error on the recharge for the review page, outside any state change (which it may have broken).</summary>
    private async Task RecordErrorAsync(long rechargeId, string error)
    {
        try
        {
            var now = Now;
            var text = error.Length <= 500 ? error : error[..500];
            await using var db = await dbs.CreateDbContextAsync();
            await db.Set<Recharge>().Where(r => r.Id == rechargeId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LastError, text).SetProperty(r => r.LastErrorAtUtc, now));
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not record the error on recharge {RechargeId}.", rechargeId);
        }
    }

    private Task<bool> FailUnsentAsync(long rechargeId, CancellationToken ct) =>
        InTransactionAsync(async db =>
        {
            var r = await LoadAsync(db, rechargeId, ct);
            if (r is null || r.Status != RechargeStatus.Created || r.Attempts.Count > 0)
            {
                return false;
            }

            await FailAsync(db, r, "The portal stopped before sending it; nothing was sent.", RechargeWording.ResellerNotes.NotSent, Now, ct);
            return true;
        }, rechargeId, ct);

    private Task<bool> MarkAbandonedAsync(long rechargeId, CancellationToken ct) =>
        InTransactionAsync(async db =>
        {
            var r = await LoadAsync(db, rechargeId, ct);
            if (r is null || r.Status != RechargeStatus.Submitting || r.CurrentAttempt?.Outcome != AttemptOutcome.Pending)
            {
                return false;
            }

            var now = Now;
            r.MarkAbandonedSubmission(now, now, now.AddMinutes(Options.DeadlineMinutes));
            await db.SaveChangesAsync(ct);
            return true;
        }, rechargeId, ct);

    // ---- Settling: the one place a state move and its money effect happen, in the caller's transaction ----

    /// <summary>
    /// Delivered: the held amount is kept, the placer's commission credited, and each reseller above them credited their
    /// margin (their rate less their child's on the path), all in this transaction.
    /// </summary>
    internal async Task SucceedAsync(PortalDbContext db, Recharge r, string? operatorTrxId, DateTime now, CancellationToken ct)
    {
        r.MarkSucceeded(operatorTrxId, now);
        await db.SaveChangesAsync(ct);
        Ensure(await wallets.CreditCommissionAsync(db, r.Id, r.Commission, RechargeWording.CommissionMemo(r.Reference), ct));
        var chain = await CommissionTree.ChainAsync(db, r.ResellerId, ct);
        if (chain.Count < 2)
        {
            return;
        }

        var shares = CommissionTree.Shares(chain, r.Operator, r.NumberType, r.Amount, r.PackCommissionPoisha is { } pack ? new Money(pack) : null);
        for (var level = 1; level < chain.Count; level++)
        {
            if (shares[level].IsPositive)
            {
                Ensure(await wallets.CreditMarginAsync(db, r.Id, chain[level].WalletId, shares[level], ResellerWording.MarginMemo(r.Reference, chain[0].Email), ct));
            }
        }
    }

    /// <summary>Nothing delivered: the hold is refunded.</summary>
    internal async Task FailAsync(PortalDbContext db, Recharge r, string reason, string resellerNote, DateTime now, CancellationToken ct)
    {
        // A failure changes what the reseller's next placement counts (failed today, today's recharges): not in the middle of one.
        await db.LockAsync(WriteScope.Reseller(r.ResellerId), ct);
        r.MarkFailed(reason, resellerNote, now);
        await db.SaveChangesAsync(ct);
        Ensure(await wallets.RefundAsync(db, r.Id, RechargeWording.RefundMemo(r.Reference, r.Number), ct));
    }

    /// <summary>Loads a recharge with its attempts, tracked, inside the caller's transaction.</summary>
    internal static Task<Recharge?> LoadAsync(PortalDbContext db, long rechargeId, CancellationToken ct) =>
        db.Set<Recharge>().Include(r => r.Attempts).SingleOrDefaultAsync(r => r.Id == rechargeId, ct);

    /// <summary>
    /// Runs one state change in a write-locked transaction, then tells open pages and schedules the
    /// next status check. A lost race (the row's version moved) changes nothing.
    /// </summary>
    private async Task<T> InTransactionAsync<T>(Func<PortalDbContext, Task<T>> act, long rechargeId, CancellationToken ct)
    {
        T result;
        RechargeChange? change = null;
        DateTime? nextCheck = null;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var changed = false;
            db.SavingChanges += (_, _) => changed |= db.ChangeTracker.Entries()
                .Any(e => e.Entity is Recharge or RechargeContradiction && e.State is EntityState.Modified or EntityState.Added);
            await using var tx = await db.BeginWriteAsync(WriteScope.Recharge(rechargeId), ct);
            result = await act(db);
            await tx.CommitAsync(ct);
            if (changed && db.ChangeTracker.Entries<Recharge>().SingleOrDefault(e => e.Entity.Id == rechargeId)?.Entity is { } r)
            {
                change = RechargeChange.Of(r, contradicted: db.ChangeTracker.Entries<RechargeContradiction>().Any());
                nextCheck = r.NextCheckAtUtc;
            }
        }

        if (change is not null)
        {
            notifier.Notify(change);
        }

        if (nextCheck is { } at)
        {
            ScheduleCheck(rechargeId, at);
        }

        return result;
    }

    private void ScheduleCheck(long rechargeId, DateTime atUtc)
    {
        try
        {
            // Rounded up to the second: never before the due time recorded in the database.
            var delay = TimeSpan.FromSeconds(Math.Ceiling(Math.Max(0, (atUtc - Now).TotalSeconds)));
            jobs.Schedule<CheckRechargeJob>(job => job.RunAsync(rechargeId, CancellationToken.None), delay);
        }
        catch (Exception e)
        {
            // The sweeper reads the due time from the database: nothing is lost.
            logger.LogWarning(e, "Could not schedule the status check of recharge {RechargeId}; the sweeper will run it.", rechargeId);
        }
    }

    private TimeSpan TimeoutOf(string? provider) =>
        TimeSpan.FromSeconds(providerOptions.Value.Accounts.FirstOrDefault(a => string.Equals(a.Name, provider, StringComparison.OrdinalIgnoreCase))?.TimeoutSeconds ?? 30);

    private static void Ensure(WalletResult result)
    {
        if (!result.Succeeded)
        {
            // A refund after commission or the like: the state machine let through a bug. Roll back.
            throw new InvalidOperationException($"The wallet refused a recharge money move: {result.Outcome} {result.Error}");
        }
    }

    private static string Describe(StatusResult status, bool believable) => status switch
    {
        StatusResult.Pending => "Pending",
        StatusResult.Failed f when !believable => $"Failed ({f.Reason}), not believed yet: the send's outcome was unknown and it may still arrive",
        StatusResult.NotFound => "Not found at the provider",
        StatusResult.Unknown u => $"No clear answer: {u.Why}",
        _ => status.ToString(),
    };

    private sealed record Sending(string ResellerId, long AttemptId, string Provider, RechargeRequest Request);
}
