using RechargePortal.Data;

namespace RechargePortal.Features.BalanceRequests;

/// <summary>A balance request was sent, approved or rejected: who asked, whom it went to (null = the admins), and its status now.</summary>
public sealed record BalanceRequestChange(long RequestId, string RequesterId, string? ApproverId, BalanceRequestStatus Status);

/// <summary>
/// Tells open <c>/balance-requests</c> pages that a request changed, so the requester sees the decision and the approver a new
/// request without a reload. Singleton; pages subscribe, update through <c>InvokeAsync</c> and unsubscribe on dispose.
/// On PostgreSQL a change also reaches the pages of the other instances (<see cref="ClusterNotifications"/>).
/// </summary>
public sealed class BalanceRequestNotifier
{
    private const string Kind = "balance-request";
    private readonly ILogger<BalanceRequestNotifier> logger;
    private readonly ClusterNotifications cluster;

    public BalanceRequestNotifier(ILogger<BalanceRequestNotifier> logger, ClusterNotifications cluster)
    {
        this.logger = logger;
        this.cluster = cluster;
        cluster.Subscribe<BalanceRequestChange>(Kind, Raise);
    }

    public event Action<BalanceRequestChange>? Changed;

    public void Notify(BalanceRequestChange change)
    {
        Raise(change);
        cluster.Publish(Kind, change);
    }

    private void Raise(BalanceRequestChange change)
    {
        // One broken page must not stop the others, nor the action that raised the event.
        foreach (var handler in Changed?.GetInvocationList().Cast<Action<BalanceRequestChange>>() ?? [])
        {
            try
            {
                handler(change);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A page failed to take a balance request update.");
            }
        }
    }
}
