using System.Collections.Concurrent;
using System.Globalization;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using RechargePortal.Data;
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
    /// <summary>Another worker changed it while this one asked: this answer was not applied.</summary>
    Raced,
}

public sealed record SweepReport(int UnsentFailed, int AbandonedSubmissions, int Checked);

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
                var next = (await routing.ActiveRouteAsync(db, r.Operator, ct)).FirstOrDefault(p => !tried.Contains(p));
                var now = Now;
                if (next is null)
                {
                    var reason = r.Attempts.Count == 0
                        ? $"No provider is serving {r.Operator} right now."
                        : $"Refused by {string.Join(", ", tried)}: {r.StatusReason}";
                    await FailAsync(db, r, reason, r.Attempts.Count == 0 ? ResellerNotes.NoProvider : ResellerNotes.Refused, now, ct);
                    return null;
                }

                var attempt = r.BeginAttempt(next, UpstreamReference(r, now), now);
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
                        await FailAsync(db, r, $"Refused by {sending.Provider}: {rejected.Reason}", ResellerNotes.Refused, now, ct);
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
            if (dueOnly && (seen.Status != RechargeStatus.Processing || seen.NextCheckAtUtc > Now + DueTolerance))
            {
                return CheckOutcome.NotDue;
            }

            var provider = providers.Find(asked.Provider);
            var status = provider is null
                ? new StatusResult.Unknown($"{asked.Provider} is no longer configured")
                : await provider.QueryStatusAsync(asked.UpstreamReference, CancellationToken.None);
            return await InTransactionAsync(async db =>
            {
                var r = await LoadAsync(db, rechargeId, ct);
                if (r is null || r.Status is not (RechargeStatus.Processing or RechargeStatus.NeedsReview) || r.CurrentAttempt?.Id != asked.Id)
                {
                    return CheckOutcome.Raced;
                }

                var now = Now;
                switch (status)
                {
                    case StatusResult.Succeeded succeeded:
                        r.MarkSucceeded(succeeded.OperatorTrxId, now);
                        await db.SaveChangesAsync(ct);
                        Ensure(await wallets.CreditCommissionAsync(db, r.Id, r.Commission, $"Commission on recharge {r.Reference}", ct));
                        return CheckOutcome.Succeeded;
                    case StatusResult.Failed failed:
                        await FailAsync(db, r, $"{asked.Provider} reports it failed: {failed.Reason}", ResellerNotes.OperatorFailed, now, ct);
                        return CheckOutcome.Failed;
                    case StatusResult.NotFound when !r.OutcomeKnown && now >= asked.CreatedAtUtc.AddMinutes(Options.NotFoundGraceMinutes):
                        await FailAsync(db, r, $"It never reached {asked.Provider} (no such recharge there {Options.NotFoundGraceMinutes} minutes after sending).", ResellerNotes.NeverArrived, now, ct);
                        return CheckOutcome.Failed;
                }

                if (r.Version != seen.Version)
                {
                    // Another check recorded an answer meanwhile; counting this one too would skip a backoff step.
                    return CheckOutcome.Raced;
                }

                r.RecordCheck(Describe(status), now, now + Options.BackoffAfter(r.ChecksDone + 1));
                await db.SaveChangesAsync(ct);
                return r.Status == RechargeStatus.NeedsReview && seen.Status == RechargeStatus.Processing ? CheckOutcome.MovedToReview : CheckOutcome.StillPending;
            }, rechargeId, ct);
        }
        finally
        {
            checkSlots.Release();
        }
    }

    /// <summary>
    /// What the recurring job runs: fails recharges the app never sent (it stopped first), treats
    /// sends without a recorded reply as unknown, and checks every recharge whose check is due.
    /// </summary>
    public async Task<SweepReport> SweepAsync(CancellationToken ct = default)
    {
        var now = Now;
        List<long> unsent, submitting, due;
        var submittingSince = new Dictionary<long, (string? Provider, DateTime? At)>();
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var unsentBefore = now - UnsentAfter;
            unsent = await db.Set<Recharge>().Where(r => r.Status == RechargeStatus.Created && r.CreatedAtUtc < unsentBefore)
                .Select(r => r.Id).ToListAsync(ct);
            var sentBefore = now - AbandonMargin;
            var candidates = await db.Set<Recharge>().Where(r => r.Status == RechargeStatus.Submitting && r.SubmittedAtUtc < sentBefore)
                .Select(r => new { r.Id, r.Provider, r.SubmittedAtUtc }).ToListAsync(ct);
            submitting = candidates.Where(c => c.SubmittedAtUtc < now - AbandonMargin - TimeoutOf(c.Provider)).Select(c => c.Id).ToList();
            due = await db.Set<Recharge>().Where(r => r.Status == RechargeStatus.Processing && r.NextCheckAtUtc <= now)
                .OrderBy(r => r.NextCheckAtUtc).Select(r => r.Id).Take(1000).ToListAsync(ct);
        }

        var failed = 0;
        foreach (var id in unsent)
        {
            failed += await FailUnsentAsync(id, ct) ? 1 : 0;
        }

        var abandoned = 0;
        foreach (var id in submitting)
        {
            abandoned += await MarkAbandonedAsync(id, ct) ? 1 : 0;
        }

        var checkedCount = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Options.MaxConcurrentChecks, CancellationToken = ct }, async (id, token) =>
        {
            if (await CheckAsync(id, dueOnly: true, token) is not (CheckOutcome.NotDue or CheckOutcome.NothingToCheck))
            {
                Interlocked.Increment(ref checkedCount);
            }
        });
        return new SweepReport(failed, abandoned, checkedCount);
    }

    private Task<bool> FailUnsentAsync(long rechargeId, CancellationToken ct) =>
        InTransactionAsync(async db =>
        {
            var r = await LoadAsync(db, rechargeId, ct);
            if (r is null || r.Status != RechargeStatus.Created || r.Attempts.Count > 0)
            {
                return false;
            }

            await FailAsync(db, r, "The portal stopped before sending it; nothing was sent.", ResellerNotes.NotSent, Now, ct);
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

    /// <summary>Fails a recharge and refunds its hold, in the caller's transaction.</summary>
    internal async Task FailAsync(PortalDbContext db, Recharge r, string reason, string resellerNote, DateTime now, CancellationToken ct)
    {
        r.MarkFailed(reason, resellerNote, now);
        await db.SaveChangesAsync(ct);
        Ensure(await wallets.RefundAsync(db, r.Id, $"Refund: recharge {r.Reference} to {MobileNumber.Display(r.Number)} failed", ct));
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
            db.SavingChanges += (_, _) => changed |= db.ChangeTracker.Entries<Recharge>().Any(e => e.State is EntityState.Modified or EntityState.Added);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            result = await act(db);
            await tx.CommitAsync(ct);
            if (changed && db.ChangeTracker.Entries<Recharge>().SingleOrDefault(e => e.Entity.Id == rechargeId)?.Entity is { } r)
            {
                change = new RechargeChange(r.Id, r.ResellerId, r.Status);
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

    /// <summary>Unique for ever: the moment (second) it was made, then the recharge and attempt numbers. Digits only, as ECARE's refid.</summary>
    private static string UpstreamReference(Recharge r, DateTime now) =>
        string.Create(CultureInfo.InvariantCulture, $"{now:yyMMddHHmmss}{r.Id}{r.Attempts.Count + 1:D2}");

    private static void Ensure(WalletResult result)
    {
        if (!result.Succeeded)
        {
            // A refund after commission or the like: the state machine let through a bug. Roll back.
            throw new InvalidOperationException($"The wallet refused a recharge money move: {result.Outcome} {result.Error}");
        }
    }

    private static string Describe(StatusResult status) => status switch
    {
        StatusResult.Pending => "Pending",
        StatusResult.NotFound => "Not found at the provider",
        StatusResult.Unknown u => $"No clear answer: {u.Why}",
        _ => status.ToString(),
    };

    /// <summary>Why a recharge failed, as the reseller reads it.</summary>
    internal static class ResellerNotes
    {
        public const string Refused = "It could not be sent: refused upstream.";
        public const string NoProvider = "Recharges for this operator are paused right now. Try again later.";
        public const string OperatorFailed = "The operator did not deliver it.";
        public const string NeverArrived = "It never reached the operator.";
        public const string NotSent = "It was not sent (the portal restarted).";
        public const string AdminFailed = "Checked by our team: it was not delivered.";
    }

    private sealed record Sending(string ResellerId, long AttemptId, string Provider, RechargeRequest Request);
}
