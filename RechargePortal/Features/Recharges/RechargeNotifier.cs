using RechargePortal.Data;

namespace RechargePortal.Features.Recharges;

/// <summary>A recharge changed state: which, whose, and to what. <paramref name="Contradicted"/>: a provider's answer now contradicts it (the review queue shows it).</summary>
/// <param name="CallbackDue">The move owes the recharge's API client a callback (see <see cref="RechargeCallback"/>).</param>
public sealed record RechargeChange(long RechargeId, string ResellerId, RechargeStatus Status, bool Contradicted = false, bool CallbackDue = false)
{
    /// <summary>A saved recharge's move, as open pages and the callback job hear of it.</summary>
    public static RechargeChange Of(Recharge r, bool contradicted = false) => new(r.Id, r.ResellerId, r.Status, contradicted, r.Callbacks.Count > 0);
}

/// <summary>
/// Tells open pages that a recharge changed (sent, accepted, succeeded, failed, reviewed), so the
/// reseller's history and the confirmation card update without a reload. Singleton; pages
/// subscribe, update through <c>InvokeAsync</c> and unsubscribe on dispose. On PostgreSQL a change also reaches the
/// pages of the other instances (<see cref="ClusterNotifications"/>).
/// </summary>
public sealed class RechargeNotifier
{
    private const string Kind = "recharge";
    private readonly ILogger<RechargeNotifier> logger;
    private readonly ClusterNotifications cluster;

    public RechargeNotifier(ILogger<RechargeNotifier> logger, ClusterNotifications cluster)
    {
        this.logger = logger;
        this.cluster = cluster;
        cluster.Subscribe<RechargeChange>(Kind, Raise);
    }

    public event Action<RechargeChange>? Changed;

    public void Notify(RechargeChange change)
    {
        Raise(change);
        // The callback is owed once, by the instance that moved the recharge: other instances hear of the move only.
        cluster.Publish(Kind, change with { CallbackDue = false });
    }

    private void Raise(RechargeChange change)
    {
        // One broken page must not stop the others, nor the job that raised the event.
        foreach (var handler in Changed?.GetInvocationList().Cast<Action<RechargeChange>>() ?? [])
        {
            try
            {
                handler(change);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A page failed to take a recharge update.");
            }
        }
    }
}
