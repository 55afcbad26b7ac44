using System.Collections.Concurrent;
using System.Globalization;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RechargePortal.Data;
using RechargePortal.Features.Commissions;
using RechargePortal.Features.Offers;
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

    /// <summary>A final recharge gets its one late status check this long after it settled, within a day.</summary>
    public static readonly TimeSpan LateCheckAfter = TimeSpan.FromHours(1);

    public static readonly TimeSpan LateCheckWindow = TimeSpan.FromDays(1);

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
                    // The amount buys a pack at the providers that list it; elsewhere it would be plain balance.
                    var listing = await OfferPackService.ListedByAsync(db, r.Operator, r.NumberType, r.Amount, ct);
                    route = route.Where(p => listing.Contains(p, StringComparer.OrdinalIgnoreCase)).ToList();
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

            var status = await AskAsync(asked);
            return await InTransactionAsync(async db =>
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
            }, rechargeId, ct);
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
        await checkSlots.WaitAsync(ct);
        try
        {
            foreach (var attempt in ask)
            {
                answers.Add((attempt.Id, await AskAsync(attempt)));
            }
        }
        finally
        {
            checkSlots.Release();
        }

        return await InTransactionAsync(async db =>
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
        }, rechargeId, ct);
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
        List<long> unsent, submitting, resumable, due;
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
            due = await db.Set<Recharge>()
                .Where(r => (r.Status == RechargeStatus.Processing || r.Status == RechargeStatus.NeedsReview) && r.NextCheckAtUtc <= now)
                .OrderBy(r => r.NextCheckAtUtc).Select(r => r.Id).Take(1000).ToListAsync(ct);
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

        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Options.MaxConcurrentChecks, CancellationToken = ct }, async (id, token) =>
            await IsolatedAsync(id, "Status check", async () =>
            {
                if (await CheckAsync(id, dueOnly: true, token) is not (CheckOutcome.NotDue or CheckOutcome.NothingToCheck))
                {
                    Interlocked.Increment(ref checkedCount);
                }
            }));

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

        async Task IsolatedAsync(long id, string what, Func<Task> act)
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
            }
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
            await using var tx = await db.Database.BeginTransactionAsync(ct);
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
