using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace RechargePortal.Features.Recharges;

/// <summary>
/// What an API client is owed when its recharge reaches <c>successful</c>, <c>failed</c> or <c>review</c>: one
/// <c>recharge.finished</c> event, written in the same transaction as the move (an outbox), then delivered at least once
/// to the key's callback URL by the callback job. The database says what is due; a lost job loses nothing.
/// </summary>
public sealed class RechargeCallback
{
    /// <summary>Waits before the retries after a failed delivery: 1 min, 5 min, 30 min, 2 h, 6 h; then it gives up.</summary>
    public static readonly IReadOnlyList<TimeSpan> Backoff =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6)];

    public const int MaxErrorLength = 300;

    public long Id { get; private set; }
    public long RechargeId { get; private set; }
    public long ApiKeyId { get; private set; }
    /// <summary>Unique per event; the same on every delivery of it, so a receiver can drop a repeat.</summary>
    public string EventId { get; private set; } = "";
    /// <summary>The status the recharge reached.</summary>
    public RechargeStatus Status { get; private set; }
    public DateTime CreatedAtUtc { get; private set; }
    /// <summary>The JSON sent, fixed at the first delivery so every retry sends the same event.</summary>
    public string? Body { get; private set; }
    /// <summary>Deliveries tried so far, the reseller's resends included.</summary>
    public int Attempts { get; private set; }
    /// <summary>The automatic ones among them: what the backoff counts.</summary>
    public int AutomaticAttempts { get; private set; }
    /// <summary>When the next automatic delivery is due; null when none is (delivered, or given up).</summary>
    public DateTime? NextAttemptAtUtc { get; private set; }
    /// <summary>One deliverer at a time: a delivery claims the event until then (a crashed one's claim runs out).</summary>
    public DateTime? ClaimedUntilUtc { get; private set; }
    public DateTime? DeliveredAtUtc { get; private set; }
    public int? LastStatusCode { get; private set; }
    public string? LastError { get; private set; }

    public List<RechargeCallbackAttempt> AttemptLog { get; private set; } = [];

    private RechargeCallback()
    {
    }

    public bool GaveUp => DeliveredAtUtc is null && NextAttemptAtUtc is null;

    internal static RechargeCallback For(Recharge recharge, long apiKeyId, DateTime nowUtc) => new()
    {
        ApiKeyId = apiKeyId,
        EventId = "evt_" + Guid.NewGuid().ToString("N"),
        Status = recharge.Status,
        CreatedAtUtc = nowUtc,
        NextAttemptAtUtc = nowUtc,
    };

    /// <summary>Keeps the body of the first delivery for every later one.</summary>
    public string FixBody(Func<string> make) => Body ??= make();

    /// <summary>
    /// Records one delivery: a 2xx ends it; otherwise the next automatic one follows the backoff, counted in automatic
    /// deliveries only (a resend neither uses up a retry nor brings one back), and none after the last wait.
    /// </summary>
    public void RecordAttempt(DateTime atUtc, int? statusCode, string? error, bool resend, TimeSpan took)
    {
        Attempts++;
        if (!resend)
        {
            AutomaticAttempts++;
        }

        AttemptLog.Add(new RechargeCallbackAttempt(Attempts, atUtc, statusCode, Trim(error), resend, (int)took.TotalMilliseconds));
        LastStatusCode = statusCode;
        LastError = Trim(error);
        ClaimedUntilUtc = null;
        if (statusCode is >= 200 and < 300)
        {
            DeliveredAtUtc = atUtc;
            NextAttemptAtUtc = null;
        }
        else if (!resend)
        {
            NextAttemptAtUtc = AutomaticAttempts <= Backoff.Count ? atUtc + Backoff[AutomaticAttempts - 1] : null;
        }
    }

    /// <summary>Nowhere to deliver (the key has no callback URL now): nothing more is tried.</summary>
    public void Drop(string why)
    {
        LastError = Trim(why);
        NextAttemptAtUtc = null;
        ClaimedUntilUtc = null;
    }

    private static string? Trim(string? text) => text is null || text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}

/// <summary>One delivery of a <see cref="RechargeCallback"/>: when, what came back, and whether the reseller asked for it.</summary>
public sealed class RechargeCallbackAttempt
{
    public long Id { get; private set; }
    public long CallbackId { get; private set; }
    public int Number { get; private set; }
    public DateTime AtUtc { get; private set; }
    /// <summary>The receiver's HTTP status; null when none came (timeout, refused connection, refused address).</summary>
    public int? StatusCode { get; private set; }
    public string? Error { get; private set; }
    public bool Resend { get; private set; }
    public int DurationMs { get; private set; }

    private RechargeCallbackAttempt()
    {
    }

    internal RechargeCallbackAttempt(int number, DateTime atUtc, int? statusCode, string? error, bool resend, int durationMs)
    {
        Number = number;
        AtUtc = atUtc;
        StatusCode = statusCode;
        Error = error;
        Resend = resend;
        DurationMs = durationMs;
    }
}

internal sealed class RechargeCallbackConfiguration : IEntityTypeConfiguration<RechargeCallback>, IEntityTypeConfiguration<RechargeCallbackAttempt>
{
    public void Configure(EntityTypeBuilder<RechargeCallback> c)
    {
        c.ToTable("RechargeCallbacks");
        c.Property(x => x.EventId).HasMaxLength(40);
        c.HasIndex(x => x.EventId).IsUnique();
        c.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        c.Property(x => x.Body).HasMaxLength(4000);
        c.Property(x => x.LastError).HasMaxLength(RechargeCallback.MaxErrorLength);
        c.Ignore(x => x.GaveUp);
        c.HasOne<Recharge>().WithMany(r => r.Callbacks).HasForeignKey(x => x.RechargeId).OnDelete(DeleteBehavior.Restrict);
        c.HasMany(x => x.AttemptLog).WithOne().HasForeignKey(a => a.CallbackId).OnDelete(DeleteBehavior.Cascade);
        // The job's query: what is due.
        c.HasIndex(x => x.NextAttemptAtUtc).HasFilter("NextAttemptAtUtc IS NOT NULL");
        // The key page's list: a key's events, newest first.
        c.HasIndex(x => new { x.ApiKeyId, x.Id });
    }

    public void Configure(EntityTypeBuilder<RechargeCallbackAttempt> a)
    {
        a.ToTable("RechargeCallbackAttempts");
        a.Property(x => x.Error).HasMaxLength(RechargeCallback.MaxErrorLength);
        a.HasIndex(x => new { x.CallbackId, x.Number }).IsUnique();
    }
}
