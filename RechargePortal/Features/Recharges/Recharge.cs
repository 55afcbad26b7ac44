using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RechargePortal.Components.Shared;
using RechargePortal.Data;
using RechargePortal.Features.Wallets;
using RechargePortal.Providers;

namespace RechargePortal.Features.Recharges;

/// <summary>The states of <c>shared/design/recharge-lifecycle.md</c>.</summary>
public enum RechargeStatus
{
    /// <summary>The row exists and its amount is held.</summary>
    Created,
    /// <summary>An attempt's upstream reference is saved; the request may be on the wire.</summary>
    Submitting,
    /// <summary>Accepted upstream, or we do not know whether it was (<see cref="Recharge.OutcomeKnown"/>).</summary>
    Processing,
    Succeeded,
    Failed,
    NeedsReview,
}

/// <summary>
/// One recharge a reseller ordered. Every state change is a method that throws on a move the
/// lifecycle does not allow; <see cref="Version"/> makes two workers racing on one recharge
/// produce one change (the loser's save updates no row).
/// </summary>
public sealed class Recharge
{
    public const int MaxNoteLength = 500;

    public long Id { get; private set; }
    /// <summary>Ours, shown to the reseller: <c>RC261122-7K2M9Q</c>.</summary>
    public string Reference { get; private set; } = "";
    /// <summary>Made by the browser per confirmed order: a double click or a resubmit finds the same recharge.</summary>
    public string ClientRequestId { get; private set; } = "";
    /// <summary>The reseller's own reference for it (the API's <c>reference</c>): one recharge per reseller and reference. Null when placed on the page.</summary>
    public string? ClientReference { get; private set; }
    /// <summary>The API key it was placed through (its callback URL hears how it ends); null when placed on the page.</summary>
    public long? ApiKeyId { get; private set; }
    public string ResellerId { get; private set; } = "";
    public long WalletId { get; private set; }
    public string Number { get; private set; } = "";
    public MobileOperator Operator { get; private set; }
    public NumberType NumberType { get; private set; }
    public long AmountPoisha { get; private set; }
    /// <summary>What it earns on success, fixed when the reseller confirmed.</summary>
    public long CommissionPoisha { get; private set; }
    /// <summary>Set when the amount matched an active offer pack: the pack is activated, not balance.</summary>
    public string? OfferPack { get; private set; }

    /// <summary>The provider that listed the pack the reseller chose: a pack recharge is sent there only (another's pack of the same price may differ).</summary>
    public string? OfferPackProvider { get; private set; }
    /// <summary>The vendor's commission for that pack when it was placed: split down the reseller tree on success.</summary>
    public long? PackCommissionPoisha { get; private set; }
    public RechargeStatus Status { get; private set; }
    /// <summary>In <see cref="RechargeStatus.Processing"/>: true once a provider accepted it, false while we do not know whether it arrived.</summary>
    public bool OutcomeKnown { get; private set; }
    public DateTime CreatedAtUtc { get; private set; }
    /// <summary>The Bangladesh calendar day it was placed on: the day reports count it in.</summary>
    public DateOnly BusinessDay { get; private set; }
    public DateTime UpdatedAtUtc { get; private set; }
    /// <summary>When the current attempt was sent.</summary>
    public DateTime? SubmittedAtUtc { get; private set; }
    public DateTime? CompletedAtUtc { get; private set; }
    /// <summary>Past this without a final answer, the recharge goes to review.</summary>
    public DateTime? DeadlineUtc { get; private set; }
    /// <summary>When the next status check is due; null when none is (final, in review, not yet sent).</summary>
    public DateTime? NextCheckAtUtc { get; private set; }
    public int ChecksDone { get; private set; }
    public DateTime? LastCheckAtUtc { get; private set; }
    public string? LastCheckOutcome { get; private set; }
    /// <summary>The provider of the current (last) attempt.</summary>
    public string? Provider { get; private set; }
    public string? OperatorTrxId { get; private set; }
    /// <summary>Why it failed or went to review, in words for the reseller.</summary>
    public string? StatusReason { get; private set; }
    /// <summary>What the reseller is told: no provider names or vendor text (which provider serves whom is the business's own).</summary>
    public string? ResellerNote { get; private set; }
    public string? ResolvedByEmail { get; private set; }
    public string? ResolutionNote { get; private set; }
    /// <summary>When a final recharge got its one late status check (null: not yet, or never will: older than a day).</summary>
    public DateTime? LateCheckedAtUtc { get; private set; }
    /// <summary>The last error met while processing it (a bug or bad data), for the review page; processing goes on with the others.</summary>
    public string? LastError { get; private set; }
    public DateTime? LastErrorAtUtc { get; private set; }
    public int Version { get; private set; }

    /// <summary>
    /// Who is asking the provider about it right now (instance and worker), so no two workers on any instance ask at once;
    /// written and cleared by single conditional updates (<see cref="RechargeProcessor"/>), never by a state move.
    /// </summary>
    public string? CheckClaimedBy { get; private set; }

    /// <summary>When that claim lapses: a worker that died holding it (a killed instance) loses it then, and another takes it.</summary>
    public DateTime? CheckClaimedUntilUtc { get; private set; }

    public List<RechargeAttempt> Attempts { get; private set; } = [];

    /// <summary>The API client's <c>recharge.finished</c> events (added here, as it moves; not loaded otherwise).</summary>
    public List<RechargeCallback> Callbacks { get; private set; } = [];

    public Money Amount => new(AmountPoisha);

    public Money Commission => new(CommissionPoisha);

    public bool IsFinal => Status is RechargeStatus.Succeeded or RechargeStatus.Failed;

    public RechargeAttempt? CurrentAttempt => Attempts.OrderByDescending(a => a.Sequence).FirstOrDefault();

    private Recharge()
    {
    }

    public static Recharge Create(
        string reference, string clientRequestId, string resellerId, long walletId, RechargeOrder order, Money commission, string? offerPack, DateTime nowUtc,
        string? clientReference = null, long? apiKeyId = null, Money? packCommission = null, string? offerPackProvider = null) => new()
        {
            Reference = reference,
            ClientRequestId = clientRequestId,
            ClientReference = clientReference,
            ApiKeyId = apiKeyId,
            ResellerId = resellerId,
            WalletId = walletId,
            Number = order.Number,
            Operator = order.Operator,
            NumberType = order.NumberType,
            AmountPoisha = order.Amount.Poisha,
            CommissionPoisha = commission.Poisha,
            OfferPack = offerPack,
            OfferPackProvider = offerPack is null ? null : offerPackProvider,
            PackCommissionPoisha = packCommission?.Poisha,
            Status = RechargeStatus.Created,
            CreatedAtUtc = nowUtc,
            BusinessDay = DateOnly.FromDateTime(DhakaTime.FromUtc(nowUtc)),
            UpdatedAtUtc = nowUtc,
        };

    /// <summary>A new attempt with a fresh upstream reference; saved before the request is sent.</summary>
    public RechargeAttempt BeginAttempt(string provider, string upstreamReference, DateTime nowUtc)
    {
        Require(RechargeStatus.Created, RechargeStatus.Submitting);
        if (Status == RechargeStatus.Submitting && CurrentAttempt is { Outcome: not AttemptOutcome.Rejected })
        {
            throw new InvalidOperationException($"Recharge {Reference}: the attempt at {CurrentAttempt.Provider} has no definite refusal; another would risk a double recharge.");
        }

        var attempt = RechargeAttempt.Create(Id, Attempts.Count + 1, provider, upstreamReference, nowUtc);
        Attempts.Add(attempt);
        Status = RechargeStatus.Submitting;
        Provider = provider;
        SubmittedAtUtc = nowUtc;
        Touch(nowUtc);
        return attempt;
    }

    /// <summary>The provider took it for processing: poll until final or <paramref name="deadlineUtc"/>.</summary>
    public void MarkAccepted(RechargeAttempt attempt, string? upstreamTrxId, DateTime nowUtc, DateTime firstCheckUtc, DateTime deadlineUtc)
    {
        RequireCurrent(attempt);
        Require(RechargeStatus.Submitting);
        attempt.Complete(AttemptOutcome.Accepted, upstreamTrxId is null ? "Accepted" : $"Accepted ({upstreamTrxId})", upstreamTrxId, nowUtc);
        StartProcessing(outcomeKnown: true, nowUtc, firstCheckUtc, deadlineUtc);
    }

    /// <summary>No usable reply: it may or may not have arrived. Never a failure; the status query decides.</summary>
    public void MarkOutcomeUnknown(RechargeAttempt attempt, string why, DateTime nowUtc, DateTime firstCheckUtc, DateTime deadlineUtc)
    {
        RequireCurrent(attempt);
        Require(RechargeStatus.Submitting);
        attempt.Complete(AttemptOutcome.Unknown, why, null, nowUtc);
        StartProcessing(outcomeKnown: false, nowUtc, firstCheckUtc, deadlineUtc);
    }

    /// <summary>The app died mid-call (no outcome recorded in time): treat the attempt as unknown.</summary>
    public void MarkAbandonedSubmission(DateTime nowUtc, DateTime firstCheckUtc, DateTime deadlineUtc)
    {
        Require(RechargeStatus.Submitting);
        var attempt = CurrentAttempt ?? throw new InvalidOperationException($"Recharge {Reference} is submitting without an attempt.");
        attempt.Complete(AttemptOutcome.Unknown, "no reply recorded: the portal stopped while sending", null, nowUtc);
        StartProcessing(outcomeKnown: false, nowUtc, firstCheckUtc, deadlineUtc);
    }

    /// <summary>A definite refusal: the caller then begins the next attempt or fails the recharge.</summary>
    public void MarkRejected(RechargeAttempt attempt, string reason, DateTime nowUtc)
    {
        RequireCurrent(attempt);
        Require(RechargeStatus.Submitting);
        attempt.Complete(AttemptOutcome.Rejected, reason, null, nowUtc);
        StatusReason = reason;
        Touch(nowUtc);
    }

    /// <summary>Delivered. The caller credits the commission in the same transaction.</summary>
    public void MarkSucceeded(string? operatorTrxId, DateTime nowUtc)
    {
        Require(RechargeStatus.Processing, RechargeStatus.NeedsReview);
        Status = RechargeStatus.Succeeded;
        OperatorTrxId = operatorTrxId ?? OperatorTrxId;
        StatusReason = null;
        ResellerNote = null;
        Finish(nowUtc);
        OweCallback(nowUtc);
    }

    /// <summary>Nothing was delivered. The caller refunds the hold in the same transaction.</summary>
    public void MarkFailed(string reason, string resellerNote, DateTime nowUtc)
    {
        Require(RechargeStatus.Created, RechargeStatus.Submitting, RechargeStatus.Processing, RechargeStatus.NeedsReview);
        if (Status == RechargeStatus.Submitting && CurrentAttempt is { Outcome: not AttemptOutcome.Rejected })
        {
            throw new InvalidOperationException($"Recharge {Reference}: a submission without a definite refusal cannot fail; its status must be asked.");
        }

        Status = RechargeStatus.Failed;
        StatusReason = reason;
        ResellerNote = resellerNote;
        Finish(nowUtc);
        OweCallback(nowUtc);
    }

    /// <summary>
    /// A status check that did not settle it: when to ask again, or review once the deadline passed.
    /// In review it is asked again at <paramref name="reviewRecheckUtc"/> (a late answer settles it).
    /// </summary>
    public void RecordCheck(string outcome, DateTime nowUtc, DateTime nextCheckUtc, DateTime reviewRecheckUtc)
    {
        Require(RechargeStatus.Processing, RechargeStatus.NeedsReview);
        ChecksDone++;
        LastCheckAtUtc = nowUtc;
        LastCheckOutcome = Truncate(outcome, 500);
        if (Status == RechargeStatus.Processing && DeadlineUtc is { } deadline && nowUtc >= deadline)
        {
            Status = RechargeStatus.NeedsReview;
            StatusReason = $"No final answer from {Provider} within the deadline; last answer: {LastCheckOutcome}";
            ResellerNote = RechargeWording.ResellerNotes.InReview;
            OweCallback(nowUtc);
        }

        NextCheckAtUtc = Status == RechargeStatus.Processing ? nextCheckUtc : reviewRecheckUtc;
        Touch(nowUtc);
    }

    /// <summary>The one status check a final recharge gets later (a vendor may flip or reverse it); nothing else changes.</summary>
    public void MarkLateChecked(DateTime nowUtc)
    {
        if (!IsFinal)
        {
            throw new InvalidOperationException($"Recharge {Reference} is {Status}: only a final recharge gets a late check.");
        }

        LateCheckedAtUtc = nowUtc;
        Version++;
    }

    /// <summary>Records an admin's decision; the caller moves it with <see cref="MarkSucceeded"/> or <see cref="MarkFailed"/> first.</summary>
    public void RecordResolution(string adminEmail, string note)
    {
        if (!IsFinal)
        {
            throw new InvalidOperationException("Resolve the recharge before recording who resolved it.");
        }

        ResolvedByEmail = adminEmail;
        ResolutionNote = Truncate(note, MaxNoteLength);
    }

    private void StartProcessing(bool outcomeKnown, DateTime nowUtc, DateTime firstCheckUtc, DateTime deadlineUtc)
    {
        Status = RechargeStatus.Processing;
        OutcomeKnown = outcomeKnown;
        NextCheckAtUtc = firstCheckUtc;
        DeadlineUtc = deadlineUtc;
        Touch(nowUtc);
    }

    private void Finish(DateTime nowUtc)
    {
        CompletedAtUtc = nowUtc;
        NextCheckAtUtc = null;
        Touch(nowUtc);
    }

    /// <summary>Placed through the API: its client hears of this move (in the same save as the move itself).</summary>
    private void OweCallback(DateTime nowUtc)
    {
        if (ApiKeyId is { } key)
        {
            Callbacks.Add(RechargeCallback.For(this, key, nowUtc));
        }
    }

    private void Touch(DateTime nowUtc)
    {
        UpdatedAtUtc = nowUtc;
        Version++;
    }

    private void RequireCurrent(RechargeAttempt attempt)
    {
        if (!ReferenceEquals(CurrentAttempt, attempt) || attempt.Outcome != AttemptOutcome.Pending)
        {
            throw new InvalidOperationException($"Recharge {Reference}: attempt {attempt.UpstreamReference} is not the one awaiting a reply.");
        }
    }

    private void Require(params RechargeStatus[] allowed)
    {
        if (!allowed.Contains(Status))
        {
            throw new InvalidOperationException($"Recharge {Reference} is {Status}; this move needs {string.Join(" or ", allowed)}.");
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];
}

public enum AttemptOutcome
{
    /// <summary>Saved, being sent or no reply yet.</summary>
    Pending,
    Accepted,
    Rejected,
    Unknown,
}

/// <summary>One submission to one provider under its own upstream reference (the vendor's refid / id).</summary>
public sealed class RechargeAttempt
{
    public long Id { get; private set; }
    public long RechargeId { get; private set; }
    public int Sequence { get; private set; }
    public string Provider { get; private set; } = "";
    /// <summary>Unique across all attempts ever: a vendor treats a reused one as a duplicate.</summary>
    public string UpstreamReference { get; private set; } = "";
    public DateTime CreatedAtUtc { get; private set; }
    public AttemptOutcome Outcome { get; private set; }
    public string? OutcomeDetail { get; private set; }
    public string? UpstreamTrxId { get; private set; }
    public DateTime? CompletedAtUtc { get; private set; }

    private RechargeAttempt()
    {
    }

    internal static RechargeAttempt Create(long rechargeId, int sequence, string provider, string upstreamReference, DateTime nowUtc) => new()
    {
        RechargeId = rechargeId,
        Sequence = sequence,
        Provider = provider,
        UpstreamReference = upstreamReference,
        CreatedAtUtc = nowUtc,
        Outcome = AttemptOutcome.Pending,
    };

    internal void Complete(AttemptOutcome outcome, string detail, string? upstreamTrxId, DateTime nowUtc)
    {
        Outcome = outcome;
        OutcomeDetail = detail.Length <= 500 ? detail : detail[..500];
        UpstreamTrxId = upstreamTrxId;
        CompletedAtUtc = nowUtc;
    }
}

/// <summary>The words resellers see: Processing, Successful, Failed (refunded), Needs review.</summary>
public static class RechargeStatusText
{
    public static string For(RechargeStatus status) => status switch
    {
        RechargeStatus.Succeeded => "Successful",
        RechargeStatus.Failed => "Failed (refunded)",
        RechargeStatus.NeedsReview => "Needs review",
        _ => "Processing",
    };

    /// <summary>The statuses a user filters by, as shown.</summary>
    public static readonly IReadOnlyList<string> Shown = ["Processing", "Successful", "Failed (refunded)", "Needs review"];

    public static IReadOnlyList<RechargeStatus> Matching(string shown) => shown switch
    {
        "Successful" => [RechargeStatus.Succeeded],
        "Failed (refunded)" => [RechargeStatus.Failed],
        "Needs review" => [RechargeStatus.NeedsReview],
        _ => [RechargeStatus.Created, RechargeStatus.Submitting, RechargeStatus.Processing],
    };
}

internal sealed class RechargeConfiguration : IEntityTypeConfiguration<Recharge>, IEntityTypeConfiguration<RechargeAttempt>
{
    public void Configure(EntityTypeBuilder<Recharge> r)
    {
        r.ToTable("Recharges", t =>
        {
            t.HasCheckConstraint("CK_Recharges_Amount", "AmountPoisha > 0");
            t.HasCheckConstraint("CK_Recharges_Commission", "CommissionPoisha >= 0 AND CommissionPoisha <= AmountPoisha");
        });
        r.Property(x => x.Reference).HasMaxLength(32);
        r.HasIndex(x => x.Reference).IsUnique();
        r.Property(x => x.ClientRequestId).HasMaxLength(64);
        r.HasIndex(x => x.ClientRequestId).IsUnique();
        r.Property(x => x.ClientReference).HasMaxLength(RechargeRules.MaxClientReferenceLength);
        // The database's word on "one recharge per reseller and reference", whatever races past the placement's own read.
        r.HasIndex(x => new { x.ResellerId, x.ClientReference }).IsUnique().HasFilter("ClientReference IS NOT NULL");
        r.Property(x => x.ResellerId).HasMaxLength(450);
        r.Property(x => x.Number).HasMaxLength(11);
        r.Property(x => x.Operator).HasConversion<string>().HasMaxLength(16);
        r.Property(x => x.NumberType).HasConversion<string>().HasMaxLength(16);
        r.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        r.Property(x => x.OfferPack).HasMaxLength(200);
        r.Property(x => x.OfferPackProvider).HasMaxLength(64);
        r.Property(x => x.Provider).HasMaxLength(64);
        r.Property(x => x.OperatorTrxId).HasMaxLength(100);
        r.Property(x => x.StatusReason).HasMaxLength(1000);
        r.Property(x => x.ResellerNote).HasMaxLength(300);
        r.Property(x => x.LastCheckOutcome).HasMaxLength(500);
        r.Property(x => x.ResolvedByEmail).HasMaxLength(256);
        r.Property(x => x.ResolutionNote).HasMaxLength(Recharge.MaxNoteLength);
        r.Property(x => x.LastError).HasMaxLength(500);
        r.Property(x => x.CheckClaimedBy).HasMaxLength(200);
        // Final recharges still owed their late check: a short range by completion time.
        r.HasIndex(x => x.CompletedAtUtc, "IX_Recharges_LateCheck").HasFilter("LateCheckedAtUtc IS NULL AND CompletedAtUtc IS NOT NULL");
        r.Property(x => x.Version).IsConcurrencyToken();
        r.HasOne<PortalUser>().WithMany().HasForeignKey(x => x.ResellerId).OnDelete(DeleteBehavior.Restrict);
        r.HasOne<Wallet>().WithMany().HasForeignKey(x => x.WalletId).OnDelete(DeleteBehavior.Restrict);
        r.HasMany(x => x.Attempts).WithOne().HasForeignKey(a => a.RechargeId).OnDelete(DeleteBehavior.Restrict);
        r.HasIndex(x => new { x.ResellerId, x.CreatedAtUtc });
        r.HasIndex(x => new { x.Status, x.NextCheckAtUtc });
        r.HasIndex(x => new { x.Number, x.CreatedAtUtc });
        // The reports' index: every filter and total is a range scan of it without touching the table.
        r.HasIndex(x => new
        {
            x.CreatedAtUtc, x.BusinessDay, x.Status, x.Operator, x.NumberType, x.Provider, x.ResellerId, x.Number, x.AmountPoisha, x.CommissionPoisha,
        }, "IX_Recharges_Report");
        // The figures' index: totals, the summary and reconciliation add up a range of Bangladesh days grouped by a
        // prefix of it (day, provider, operator, reseller, status), so SQLite reads one range and never sorts.
        r.HasIndex(x => new
        {
            x.BusinessDay,
            x.Provider,
            x.Operator,
            x.ResellerId,
            x.Status,
            x.NumberType,
            x.Number,
            x.AmountPoisha,
            x.CommissionPoisha,
        }, "IX_Recharges_Day");
        r.Ignore(x => x.Amount);
        r.Ignore(x => x.Commission);
        r.Ignore(x => x.IsFinal);
        r.Ignore(x => x.CurrentAttempt);
    }

    public void Configure(EntityTypeBuilder<RechargeAttempt> a)
    {
        a.ToTable("RechargeAttempts");
        a.Property(x => x.Provider).HasMaxLength(64);
        a.Property(x => x.UpstreamReference).HasMaxLength(64);
        a.HasIndex(x => x.UpstreamReference).IsUnique();
        a.HasIndex(x => new { x.RechargeId, x.Sequence }).IsUnique();
        // At most one attempt per recharge that was not definitely refused: a second could deliver twice.
        a.HasIndex(x => x.RechargeId, "IX_RechargeAttempts_OneNotRejected").IsUnique().HasFilter("Outcome <> 'Rejected'");
        a.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(16);
        a.Property(x => x.OutcomeDetail).HasMaxLength(500);
        a.Property(x => x.UpstreamTrxId).HasMaxLength(100);
    }
}
