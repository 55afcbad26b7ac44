namespace RechargePortal.Providers;

/// <summary>Tells open pages that a provider's state, balance, offer packs or call log changed.</summary>
public sealed class ProviderStatusNotifier
{
    public event Action<string>? Changed;

    public void NotifyChanged(string provider) => Changed?.Invoke(provider);
}
