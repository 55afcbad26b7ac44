using Microsoft.EntityFrameworkCore;
using RechargePortal.Data;
using RechargePortal.Features.Audit;
using RechargePortal.Providers.CallLog;
using RechargePortal.Security;

namespace RechargePortal.Providers;

public sealed record ProviderOverview(
    string Name,
    ProviderKind Kind,
    string Host,
    bool IsSandbox,
    bool IsPlainHttp,
    bool Paused,
    bool SupportsOfferPacks,
    long? LastBalancePoisha,
    DateTime? LastBalanceAtUtc,
    long LowBalanceThresholdPoisha,
    DateTime? OfferPacksRefreshedAtUtc,
    string? OfferPacksRefused,
    string? LastError,
    DateTime? LastErrorAtUtc)
{
    public bool IsLow => LastBalancePoisha is { } balance && balance < LowBalanceThresholdPoisha;
}

public sealed record CallRow(
    long Id, DateTime AtUtc, string Provider, string Operation, string? Reference, string Request,
    int? HttpStatus, string? Reply, long DurationMs, string Outcome, bool IsError);

/// <summary>Provider state for the admin pages: balances (with history), pause switch, call log.</summary>
public sealed class ProviderAdminService(
    ProviderRegistry providers,
    IDbContextFactory<PortalDbContext> dbs,
    ProviderStatusNotifier notifier,
    ActiveUserGuard guard,
    AdminActions actions,
    TimeProvider time)
{
    public const string PausedAction = "ProviderPaused";
    public const string ResumedAction = "ProviderResumed";
    public const string AuditTarget = "Provider";

    public async Task<IReadOnlyList<ProviderOverview>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var states = await db.Set<ProviderState>().AsNoTracking().ToDictionaryAsync(s => s.Name, StringComparer.OrdinalIgnoreCase, ct);
        var result = new List<ProviderOverview>();
        foreach (var p in providers.All)
        {
            var state = states.GetValueOrDefault(p.Name);
            var lastError = await db.Set<UpstreamCall>().AsNoTracking()
                .Where(c => c.Provider == p.Name && c.IsError)
                .OrderByDescending(c => c.Id)
                .Select(c => new { c.Operation, c.Outcome, c.AtUtc })
                .FirstOrDefaultAsync(ct);
            result.Add(new ProviderOverview(
                p.Name, p.Kind, p.Host, p.IsSandbox, p.IsPlainHttp, state?.Paused ?? false, p.SupportsOfferPacks,
                state?.LastBalancePoisha, state?.LastBalanceAtUtc, p.LowBalanceThresholdPoisha, state?.OfferPacksRefreshedAtUtc, state?.OfferPacksRefused,
                lastError is null ? null : $"{lastError.Operation}: {lastError.Outcome}", lastError?.AtUtc));
        }

        return result;
    }

    public async Task<bool> IsPausedAsync(string name, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Set<ProviderState>().Where(s => s.Name == name).Select(s => s.Paused).FirstOrDefaultAsync(ct);
    }

    /// <summary>"Check balance now": the job's read, for an active admin only; null, with nothing asked, for anyone else.</summary>
    public async Task<BalanceResult?> CheckBalanceNowAsync(Actor actor, string name, CancellationToken ct = default) =>
        await guard.IsActiveInRoleAsync(dbs, actor, Roles.Admin, ct) ? await RefreshBalanceAsync(name, ct) : null;

    /// <summary>Reads the balance at the provider and keeps it; a history row only when it changed, so a repeat changes nothing.</summary>
    public async Task<BalanceResult> RefreshBalanceAsync(string name, CancellationToken ct = default)
    {
        var provider = providers.Get(name);
        var result = await provider.QueryBalanceAsync(ct);
        if (result is BalanceResult.Known known)
        {
            var now = time.GetUtcNow().UtcDateTime;
            await using var db = await dbs.CreateDbContextAsync(ct);
            // Write-locked: the button and the scheduled job running at once record one change, not two.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var state = await StateAsync(db, provider.Name, ct);
            if (state.RecordBalance(known.BalancePoisha, now))
            {
                db.Set<ProviderBalanceSnapshot>().Add(ProviderBalanceSnapshot.Create(provider.Name, now, known.BalancePoisha));
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        notifier.NotifyChanged(provider.Name);
        return result;
    }

    public async Task<IReadOnlyList<ProviderBalanceSnapshot>> BalanceHistoryAsync(string name, int take = 50, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Set<ProviderBalanceSnapshot>().AsNoTracking()
            .Where(s => s.Provider == name).OrderByDescending(s => s.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>Pauses or resumes a provider: an <see cref="AdminActions"/> act, audited when it changes something.</summary>
    public Task<AdminResult> SetPausedAsync(Actor actor, string name, bool paused, CancellationToken ct = default)
    {
        var provider = providers.Get(name);
        return actions.RunAsync(actor, async action =>
        {
            var state = await StateAsync(action.Db, provider.Name, ct);
            if (state.Paused == paused)
            {
                return AdminResult.Unchanged();
            }

            state.SetPaused(paused);
            action.Audit(paused ? PausedAction : ResumedAction, AuditTarget, provider.Name, provider.Name);
            action.AfterCommit(() => notifier.NotifyChanged(provider.Name));
            return AdminResult.Ok;
        }, ct: ct);
    }

    /// <summary>The call log, newest first, one page of it: for an active admin or auditor.</summary>
    public async Task<(IReadOnlyList<CallRow> Rows, int Total)> CallsAsync(Actor actor, string? provider, int skip, int take, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        await guard.DemandReaderAsync(db, actor, "the upstream call log", ct);
        var query = db.Set<UpstreamCall>().AsNoTracking();
        if (!string.IsNullOrEmpty(provider))
        {
            query = query.Where(c => c.Provider == provider);
        }

        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(c => c.Id).Skip(skip).Take(take)
            .Select(c => new CallRow(c.Id, c.AtUtc, c.Provider, c.Operation, c.Reference, c.Request, c.HttpStatus, c.Reply, c.DurationMs, c.Outcome, c.IsError))
            .ToListAsync(ct);
        return (rows, total);
    }

    internal static async Task<ProviderState> StateAsync(PortalDbContext db, string name, CancellationToken ct)
    {
        var state = await db.Set<ProviderState>().FirstOrDefaultAsync(s => s.Name == name, ct);
        if (state is null)
        {
            state = ProviderState.For(name);
            db.Set<ProviderState>().Add(state);
        }

        return state;
    }
}
