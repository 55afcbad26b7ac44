using RechargePortal.Data;

namespace RechargePortal.Providers;

/// <summary>
/// Tells open pages that a provider's state, balance, offer packs or call log changed. On PostgreSQL the change also
/// reaches the pages of the other instances (<see cref="ClusterNotifications"/>).
/// </summary>
public sealed class ProviderStatusNotifier
{
    private const string Kind = "provider-status";
    private readonly ClusterNotifications cluster;

    public ProviderStatusNotifier(ClusterNotifications cluster)
    {
        this.cluster = cluster;
        cluster.Subscribe<string>(Kind, Raise);
    }

    public event Action<string>? Changed;

    public void NotifyChanged(string provider)
    {
        Raise(provider);
        cluster.Publish(Kind, provider);
    }

    private void Raise(string provider) => Changed?.Invoke(provider);
}
