using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;
using RechargePortal.Features.Wallets;
using RechargePortal.Localization;
using RechargePortal.Providers;
using RechargePortal.Security;

namespace RechargePortal.Features.Offers;

public sealed record OfferRefreshResult(bool Succeeded, int Added, int Updated, int Deactivated, string? Error)
{
    public string Message => Succeeded
        ? $"{Added} new, {Updated} changed, {Deactivated} withdrawn."
        : $"Offer packs not refreshed: {Error}";

    /// <summary><see cref="Message"/> (which the job logs in English) in the reader's language, for a page.</summary>
    public string Text => Succeeded
        ? Ui.Text("{0} new, {1} changed, {2} withdrawn.", Display.Number(Added), Display.Number(Updated), Display.Number(Deactivated))
        : Ui.Text("Offer packs not refreshed: {0}", Error);
}

public sealed class OfferFilter
{
    public MobileOperator? Operator { get; set; }
    public OfferType? Type { get; set; }
    public long? MinPricePoisha { get; set; }
    public long? MaxPricePoisha { get; set; }
    public string? Search { get; set; }
}

/// <summary>Keeps the offer-pack catalogue in step with the providers, and lists it.</summary>
public sealed class OfferPackService(
    ProviderRegistry providers,
    IDbContextFactory<PortalDbContext> dbs,
    ProviderStatusNotifier notifier,
    ActiveUserGuard guard,
    TimeProvider time,
    ILogger<OfferPackService> logger)
{
    /// <summary>
    /// Upserts the provider's packs in one transaction, deactivates those it no longer lists, and
    /// keeps its commission per pack. A failed read changes nothing; a repeat changes nothing.
    /// </summary>
    public async Task<OfferRefreshResult> RefreshAsync(string providerName, CancellationToken ct = default)
    {
        var provider = providers.Get(providerName);
        var listed = await provider.ListOfferPacksAsync(ct);
        switch (listed)
        {
            case OfferPacksResult.NotSupported:
                return new OfferRefreshResult(false, 0, 0, 0, $"{provider.Name} has no offer-pack list");
            case OfferPacksResult.Unknown unknown:
                notifier.NotifyChanged(provider.Name);
                return new OfferRefreshResult(false, 0, 0, 0, unknown.Why);
        }

        var all = ((OfferPacksResult.Listed)listed).Packs;
        var refused = all.Where(p => !OfferPack.CommissionIsSane(p)).ToList();
        var refusedNote = refused.Count == 0 ? null
            : $"{refused.Count} pack(s) not offered, the vendor's commission is below zero or not below the price: "
              + string.Join("; ", refused.Take(10).Select(p => $"{p.Operator} {p.NumberType} {Taka.Format(p.PricePoisha)} (commission {Taka.Format(p.CommissionPoisha)})"));
        if (refusedNote is not null)
        {
            logger.LogWarning("{Provider}: {Refused}", provider.Name, refusedNote);
        }

        var packs = all.Where(OfferPack.CommissionIsSane)
            .GroupBy(p => (p.Operator, p.NumberType, p.PricePoisha))
            .Select(g => g.OrderByDescending(p => p.Active).First()) // an active pack at a price wins: it decides the warning
            .ToList();
        var now = time.GetUtcNow().UtcDateTime;
        int added = 0, updated = 0, deactivated = 0;
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.Set<OfferPack>().Where(p => p.Provider == provider.Name).ToListAsync(ct);
        if (packs.Count == 0 && existing.Any(p => p.IsActive))
        {
            // An empty list is far likelier a vendor glitch than every pack withdrawn at once; dropping
            // them all would silence the "this amount buys a pack" warning. Keep them and say so.
            notifier.NotifyChanged(provider.Name);
            return new OfferRefreshResult(false, 0, 0, 0, $"{provider.Name} listed no packs; the current ones are kept");
        }

        var byKey = existing.ToDictionary(p => (p.Operator, p.NumberType, p.PricePoisha));
        foreach (var info in packs)
        {
            if (byKey.Remove((info.Operator, info.NumberType, info.PricePoisha), out var pack))
            {
                updated += pack.Apply(info, now) ? 1 : 0;
            }
            else
            {
                db.Set<OfferPack>().Add(OfferPack.From(provider.Name, info, now));
                added++;
            }
        }

        foreach (var gone in byKey.Values)
        {
            deactivated += gone.Deactivate(now) ? 1 : 0;
        }

        var state = await ProviderAdminService.StateAsync(db, provider.Name, ct);
        state.RecordOfferPacksRefreshed(now, refusedNote);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        notifier.NotifyChanged(provider.Name);
        return new OfferRefreshResult(true, added, updated, deactivated, null);
    }

    /// <summary>"Refresh offer packs now": the job's refresh, for an active admin only; null, with nothing asked, for anyone else.</summary>
    public async Task<OfferRefreshResult?> RefreshNowAsync(Actor actor, string providerName, CancellationToken ct = default) =>
        await guard.IsActiveInRoleAsync(dbs, actor, Roles.Admin, ct) ? await RefreshAsync(providerName, ct) : null;

    /// <summary>The providers that list an active pack at this price: a pack recharge goes only to them.</summary>
    public static async Task<IReadOnlyList<string>> ListedByAsync(PortalDbContext db, MobileOperator op, NumberType type, Money price, CancellationToken ct) =>
        await db.Set<OfferPack>().AsNoTracking()
            .Where(p => p.IsActive && p.Operator == op && p.NumberType == type && p.PricePoisha == price.Poisha)
            .Select(p => p.Provider).ToListAsync(ct);

    /// <summary>Active packs of providers that are configured, cheapest first.</summary>
    public async Task<IReadOnlyList<OfferPack>> ActiveAsync(OfferFilter filter, CancellationToken ct = default)
    {
        var names = providers.All.Select(p => p.Name).ToList();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var query = db.Set<OfferPack>().AsNoTracking().Where(p => p.IsActive && names.Contains(p.Provider));
        if (filter.Operator is { } op)
        {
            query = query.Where(p => p.Operator == op);
        }

        if (filter.Type is { } type)
        {
            query = query.Where(p => p.OfferType == type);
        }

        if (filter.MinPricePoisha is { } min)
        {
            query = query.Where(p => p.PricePoisha >= min);
        }

        if (filter.MaxPricePoisha is { } max)
        {
            query = query.Where(p => p.PricePoisha <= max);
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            // Lower case on both sides: SQLite's LIKE ignores case, PostgreSQL's does not ("gb" finds "5 GB" on both).
            var like = $"%{filter.Search.Trim().ToLowerInvariant()}%";
            query = query.Where(p => EF.Functions.Like((p.Internet ?? "").ToLower(), like) || EF.Functions.Like((p.Minutes ?? "").ToLower(), like)
                || EF.Functions.Like((p.Sms ?? "").ToLower(), like) || EF.Functions.Like((p.Validity ?? "").ToLower(), like)
                || EF.Functions.Like((p.Details ?? "").ToLower(), like) || EF.Functions.Like((p.CallRate ?? "").ToLower(), like));
        }

        return await query.OrderBy(p => p.PricePoisha).ThenBy(p => p.Operator).Take(500).ToListAsync(ct);
    }
}
